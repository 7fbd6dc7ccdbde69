import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordConfig, loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { roadmapCommandData } from "../../src/platforms/discord/command-data.ts";
import { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { contentDir } from "../helpers.ts";
import { coreWithExport, type ExportOptions, exportDocument, exportFileName } from "./export-fixture.ts";
import { ALICE, APP_ID, BOB, type CallbackBody, chatInput, FakeDiscord, type MessageBody } from "./fake-discord.ts";

const fake = new FakeDiscord();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

/** The real discord.js adapter on a core that knows the stand-in `export`. */
async function startBot(options: ExportOptions & { deferAfterMs?: number } = {}): Promise<DiscordAdapter> {
  const config = loadConfig({
    DISCORD_TOKEN: "fake-token",
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.apiUrl,
    CONTENT_DIR: contentDir,
  }).discord as DiscordConfig;
  const adapter = new DiscordAdapter({
    core: await coreWithExport(options),
    config,
    logger: pino({ level: "silent" }),
    store: openMemoryStore(silentLogger),
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
  });
  await adapter.start();
  return adapter;
}

/** The attachment entries of a message body must point at the files sent with it. */
function expectOneAttachment(body: MessageBody | undefined): void {
  expect(body?.attachments).toHaveLength(1);
  expect(String(body?.attachments?.[0]?.id)).toBe("0");
}

describe("Discord: a reply's file is attached, ephemeral", () => {
  let bot: DiscordAdapter;
  beforeAll(async () => {
    bot = await startBot();
  });
  afterAll(() => bot.stop());

  it("GIVEN the command data built from a command list with `export` THEN it has an export subcommand", async () => {
    const core = await coreWithExport();
    const data = roadmapCommandData(core.commands, core.defaultRoadmap.stages.length);
    expect(data.options?.map((option) => option.name)).toContain("export");
  });

  it("GIVEN `/roadmap export` THEN the interaction reply carries the file byte for byte, ephemeral, mentioning no one", async () => {
    const payload = await fake.interaction(chatInput({ subcommand: "export" }));
    const request = await fake.callbackRequest(payload.id);
    const body = request.body as CallbackBody;
    expect(body.type).toBe(4);
    expect(body.data?.flags).toBe(64);
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(body.data?.embeds)).toContain("Your data");
    expectOneAttachment(body.data);
    expect(request.files).toHaveLength(1);
    expect(request.files[0]?.field).toBe("files[0]");
    expect(request.files[0]?.filename).toBe(exportFileName);
    expect(request.files[0]?.bytes.equals(Buffer.from(exportDocument(ALICE.id), "utf8"))).toBe(true);
  });

  it("GIVEN another person exports THEN their own data comes back to them", async () => {
    const payload = await fake.interaction(chatInput({ subcommand: "export", user: BOB }));
    const request = await fake.callbackRequest(payload.id);
    expect(request.files[0]?.content).toBe(exportDocument(BOB.id));
  });

  it("GIVEN a DM with the bot THEN the file is attached there too", async () => {
    const payload = await fake.interaction(chatInput({ subcommand: "export", dm: true }));
    const request = await fake.callbackRequest(payload.id);
    expect((request.body as CallbackBody).data?.flags).toBe(64);
    expect(request.files[0]?.content).toBe(exportDocument(ALICE.id));
  });
});

describe("Discord: a file after a deferral", () => {
  it("GIVEN a slow answer THEN the bot defers ephemeral, and the edit carries the file with parse []", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const bot = await startBot({ gate, deferAfterMs: 50 });
    try {
      const payload = await fake.interaction(chatInput({ subcommand: "export" }));
      const first = await fake.callback(payload.id);
      expect(first.type).toBe(5);
      expect(first.data?.flags).toBe(64);
      release();
      const edit = await fake.editRequest(payload.token);
      const body = edit.body as MessageBody;
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expectOneAttachment(body);
      expect(edit.files).toHaveLength(1);
      expect(edit.files[0]?.filename).toBe(exportFileName);
      expect(edit.files[0]?.bytes.equals(Buffer.from(exportDocument(ALICE.id), "utf8"))).toBe(true);
      // The deferral made the reply ephemeral; Discord keeps it so for the edit.
      expect(fake.webhookMessages(payload.token).original?.flags ?? 0).toBe(64);
    } finally {
      await bot.stop();
    }
  });
});
