import { pino } from "pino";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DiscordConfig, loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { PictureRenderer } from "../../src/pictures/picture-renderer.ts";
import { altText } from "../../src/pictures/views.ts";
import { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { contentDir, makeCore } from "../helpers.ts";
import { type CallbackBody, chatInput, FakeDiscord, type MessageBody } from "./fake-discord.ts";
import { recapWithPictures } from "./recap-fixture.ts";

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
  // The worker starts with the first picture (a second or two): started here, the pictures below
  // are drawn within the adapter's reply window, so the initial response carries them.
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

describe("Discord: a channel post carries its pictures", () => {
  it("GIVEN the weekly recap with its chart and map THEN the post attaches both PNGs, shows each as an embed's image with its alt text, and is for everyone", async () => {
    const { recap, chart, map } = await recapWithPictures();
    const channelId = "1290000000000009001";
    await bot.delivery.postToChannel({ channelId }, { reply: recap, key: "c1@2026-03-09/recap" });
    const request = fake.requests.find(
      (one) => one.method === "POST" && one.path === `/channels/${channelId}/messages`,
    );
    const body = request?.body as MessageBody & { nonce?: string };
    expect(body.flags).toBeUndefined();
    expect(body.nonce).toBeDefined();
    expect(body.embeds?.map((embed) => (embed.image as { url?: string } | undefined)?.url)).toEqual([
      "attachment://weekly-chart.png",
      "attachment://team-progress.png",
    ]);
    expect(body.attachments).toEqual([
      { id: "0", filename: "weekly-chart.png", description: altText(chart) },
      { id: "1", filename: "team-progress.png", description: altText(map) },
    ]);
    for (const file of request?.files ?? []) {
      const png = PNG.sync.read(file.bytes);
      expect([png.width, png.height]).toEqual([1200, 675]);
    }
    expect(request?.files.map((file) => file.filename)).toEqual(["weekly-chart.png", "team-progress.png"]);
  });
});
