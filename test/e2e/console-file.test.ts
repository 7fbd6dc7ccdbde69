import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConsoleAdapter } from "../../src/platforms/console/console-adapter.ts";
import { renderText } from "../../src/platforms/console/render-text.ts";
import { coreWithExport, exportDocument } from "./export-fixture.ts";

const who = { platform: "console", userId: "local-zoe", displayName: "Zoë", channelId: "terminal" };

describe("Console: a reply's file is printed", () => {
  it("GIVEN `export` in the console chat THEN the blocks print, then the JSON as-is", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
    });
    const chat = new ConsoleAdapter(await coreWithExport(), { input, output, who });
    const done = chat.start();
    input.end("export\n");
    await done;
    expect(printed).toContain(`Your data\n${exportDocument("local-zoe")}\n`);
  });

  it("GIVEN the reply `ask` prints THEN the file follows the blocks and parses back whole", async () => {
    // `roadmap-bot ask` writes renderText(answer): the same text as the chat.
    const answer = await (await coreWithExport()).handle({ text: "export", who });
    const text = renderText(answer);
    const json = text.slice(text.indexOf("\n") + 1);
    expect(text.startsWith("Your data\n")).toBe(true);
    expect(JSON.parse(json)).toMatchObject({ user: "local-zoe", name: "Zoë <@U0BOSS> & <!channel> ```" });
  });
});
