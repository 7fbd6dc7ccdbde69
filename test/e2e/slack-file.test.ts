import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type SlackConfig } from "../../src/config.ts";
import { SlackAdapter } from "../../src/platforms/slack/slack-adapter.ts";
import { contentDir } from "../helpers.ts";
import { coreWithExport, exportDocument, exportFileName } from "./export-fixture.ts";
import { FakeSlack, messageText, postSigned, type SlackResponse, slashCommandBody } from "./fake-slack.ts";

const secret = "test-signing-secret";
const fake = new FakeSlack();
let responseIds = 0;

interface Bot {
  url: string;
  stop(): Promise<void>;
}

/** The real Bolt adapter, HTTP mode, on a core that knows the stand-in `export`. */
async function startBot(padding = 0): Promise<Bot> {
  const config = loadConfig({
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: fake.apiUrl,
    CONTENT_DIR: contentDir,
  }).slack as SlackConfig;
  const adapter = new SlackAdapter({
    core: await coreWithExport({ padding }),
    config,
    logger: pino({ level: "silent" }),
  });
  await adapter.start();
  const listener = adapter.requestListener;
  if (!listener) throw new Error("HTTP mode has a request listener");
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await adapter.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `/roadmap <text>` as `user`: the acknowledgement's body, and the message sent to response_url after it. */
async function slash(bot: Bot, text: string, user: string) {
  const id = `file-${++responseIds}`;
  const ack = await postSigned(
    `${bot.url}/slack/events`,
    slashCommandBody({ text, user, responseUrl: fake.responseUrl(id) }),
    { secret },
  );
  expect(ack.status).toBe(200);
  return { ack: ack.text, answer: (await fake.response(id)) as SlackResponse };
}

const dmOf = (user: string) => `D${user.slice(1)}`;

beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => fake.clearScripts());

describe("Slack: a reply's file goes to the person's DM", () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  it("GIVEN `/roadmap export` THEN the file lands in the asker's DM byte for byte, and the ephemeral answer says so", async () => {
    const { ack, answer } = await slash(bot, "export", "U0FILE");
    // A file needs Web API calls first, so the acknowledgement is empty and the answer follows.
    expect(ack).toBe("");
    expect(answer.response_type).toBe("ephemeral");
    const text = messageText(answer);
    expect(text).toContain("Your data");
    expect(text).toContain(`I sent you *${exportFileName}* as a file in a direct message`);

    expect(fake.callsTo("conversations.open").at(-1)?.params.users).toBe("U0FILE");
    const uploads = fake.uploadsTo(dmOf("U0FILE"));
    expect(uploads).toHaveLength(1);
    const expected = Buffer.from(exportDocument("U0FILE"), "utf8");
    expect(uploads[0]?.filename).toBe(exportFileName);
    expect(uploads[0]?.bytes.equals(expected)).toBe(true);
    expect(fake.callsTo("files.getUploadURLExternal").at(-1)?.params.length).toBe(String(expected.length));
    // Nothing went to the channel the command was typed in.
    expect(fake.uploads.every((upload) => upload.channel.startsWith("D"))).toBe(true);
    expect(fake.postsTo("C0TEST")).toEqual([]);
  });

  it("GIVEN each person exports THEN each file goes to that person's own DM", async () => {
    await slash(bot, "export", "U0ANN");
    await slash(bot, "export", "U0BEN");
    expect(fake.uploadsTo(dmOf("U0ANN")).map((upload) => JSON.parse(upload.content).user)).toEqual(["U0ANN"]);
    expect(fake.uploadsTo(dmOf("U0BEN")).map((upload) => JSON.parse(upload.content).user)).toEqual(["U0BEN"]);
  });

  it("GIVEN the app lacks files:write THEN the answer says how to fix it and shows the short file inline, escaped", async () => {
    fake.failMethod("files.getUploadURLExternal", "missing_scope", { needed: "files:write", provided: "commands" });
    const { answer } = await slash(bot, "export", "U0NOSCOPE");
    expect(answer.response_type).toBe("ephemeral");
    const text = messageText(answer);
    expect(text).toContain("Your data");
    expect(text).toContain("lacks the `files:write` permission");
    expect(text).toContain("reinstalls the app");
    expect(fake.uploadsTo(dmOf("U0NOSCOPE"))).toEqual([]);

    const inline = (answer.blocks ?? []).map((block) => block.text?.text ?? "").find((t) => t.includes("```"));
    expect(inline).toBeDefined();
    // Escaped for Slack: the mentions in the data ping no one, and the JSON reads back whole.
    expect(inline).not.toMatch(/<[!@#]/);
    const shown = (inline ?? "")
      .replace(/^Here it is instead:\n```\n/, "")
      .replace(/\n```$/, "")
      .replaceAll("\u200b", "")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&amp;", "&");
    expect(shown).toBe(exportDocument("U0NOSCOPE"));
    expect(inline?.length).toBeLessThanOrEqual(3000);
  });

  it("GIVEN the app cannot open DMs (im:write) THEN the answer names that scope", async () => {
    fake.failMethod("conversations.open", "missing_scope", { needed: "im:write" });
    const uploadsBefore = fake.callsTo("files.getUploadURLExternal").length;
    const { answer } = await slash(bot, "export", "U0NOIM");
    expect(messageText(answer)).toContain("lacks the `im:write` permission");
    // Without a DM there is nowhere private to put the file, so no upload is started.
    expect(fake.callsTo("files.getUploadURLExternal")).toHaveLength(uploadsBefore);
  });

  it("GIVEN any other failure THEN the answer says so with Slack's code and still shows the file", async () => {
    fake.failMethod("files.completeUploadExternal", "internal_error");
    const { answer } = await slash(bot, "export", "U0BROKEN");
    const text = messageText(answer);
    expect(text).toContain("Slack said `internal_error`");
    expect(text).toContain("```");
  });
});

describe("Slack: a file too long to show inline", () => {
  it("GIVEN the upload fails and the file is long THEN the answer says it is too long instead of cutting it", async () => {
    const bot = await startBot(3_000);
    try {
      fake.failMethod("files.getUploadURLExternal", "missing_scope", { needed: "files:write" });
      const { answer } = await slash(bot, "export", "U0LONG");
      const text = messageText(answer);
      expect(text).toContain("lacks the `files:write` permission");
      expect(text).toContain("too long to show here");
      expect(text).not.toContain("```");
    } finally {
      await bot.stop();
    }
  });
});
