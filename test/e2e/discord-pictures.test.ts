import { pino } from "pino";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordConfig, loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { PictureRenderer } from "../../src/pictures/picture-renderer.ts";
import { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { contentDir, makeCore } from "../helpers.ts";
import { type CallbackBody, chatInput, FakeDiscord } from "./fake-discord.ts";

const fake = new FakeDiscord();
const pictures = new PictureRenderer(silentLogger);
let bot: DiscordAdapter;

beforeAll(async () => {
  await fake.start();
  const config = loadConfig({
    DISCORD_TOKEN: "fake-token",
    DISCORD_APPLICATION_ID: "1290000000000000001",
    DISCORD_API_URL: fake.apiUrl,
    CONTENT_DIR: contentDir,
  }).discord as DiscordConfig;
  const store = openMemoryStore(silentLogger);
  bot = new DiscordAdapter({
    core: (await makeCore({ store })).core,
    config,
    logger: pino({ level: "silent" }),
    store,
    pictures,
  });
  await bot.start();
  // As startBot does: the first picture then waits for drawing only, inside Discord's 3 seconds.
  await pictures.warm();
});
afterAll(async () => {
  await bot.stop();
  await pictures.close();
  await fake.stop();
});

describe("Discord: answers carry their picture", () => {
  it("GIVEN `/roadmap progress` THEN the reply attaches progress.png, shows it as the embed's image with its alt text, and stays ephemeral", async () => {
    const payload = await fake.interaction(chatInput({ subcommand: "progress" }));
    const request = await fake.callbackRequest(payload.id);
    const body = request.body as CallbackBody;
    expect(body.data?.flags).toBe(64);
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    const embeds = body.data?.embeds ?? [];
    expect((embeds.at(-1)?.image as { url?: string } | undefined)?.url).toBe("attachment://progress.png");
    // The text answer is still all there: the picture comes next to it.
    expect(JSON.stringify(embeds)).toContain("Your progress");
    expect(body.data?.attachments).toEqual([
      expect.objectContaining({
        id: "0",
        filename: "progress.png",
        description: expect.stringContaining("progress map"),
      }),
    ]);
    expect(request.files.map((file) => file.filename)).toEqual(["progress.png"]);
    const png = PNG.sync.read(request.files[0]?.bytes as Buffer);
    expect([png.width, png.height]).toEqual([1200, 675]);
  });

  it("GIVEN `/roadmap stage` THEN no picture is attached: only progress and leaderboard answers have one", async () => {
    const payload = await fake.interaction(
      chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 3 }] }),
    );
    const request = await fake.callbackRequest(payload.id);
    expect(request.files).toEqual([]);
  });
});
