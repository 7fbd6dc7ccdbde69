import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { type RunningBot, startBot } from "../../src/main.ts";
import { altText } from "../../src/pictures/views.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import {
  blockKitViolations,
  clickBody,
  FakeSlack,
  postSigned,
  type SlackBlock,
  type SlackResponse,
  slackHttpEnv,
  slashCommandBody,
} from "./fake-slack.ts";
import { recapWithPictures } from "./recap-fixture.ts";

/**
 * Pictures on Slack through the real Bolt against a fake Slack: with PUBLIC_URL an image block
 * whose signed link the bot itself serves; without it a Picture button that sends the PNG by DM.
 */

const secret = "test-signing-secret";
const fake = new FakeSlack();
let responses = 0;

beforeAll(() => fake.start());
afterAll(() => fake.stop());

async function pictureBot(env: Record<string, string> = {}) {
  let now = new Date("2026-03-09T10:00:00Z");
  const running: RunningBot = await startBot(loadConfig({ ...slackHttpEnv(fake, secret), ...env }), {
    store: openMemoryStore(silentLogger),
    clock: () => now,
    cron: false,
  });
  await running.app.pictures.warm();
  const base = `http://127.0.0.1:${running.port}`;
  const slash = async (text: string) => {
    const response = await postSigned(
      `${base}/slack/events`,
      slashCommandBody({ text, user: "U0PIC", responseUrl: fake.responseUrl(`pic${++responses}`) }),
      { secret },
    );
    expect(response.status).toBe(200);
    return response.json() as SlackResponse;
  };
  return { running, base, slash, later: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const blocksOf = (message: SlackResponse): SlackBlock[] => (message as { blocks?: SlackBlock[] }).blocks ?? [];

describe("Slack with PUBLIC_URL: the picture is an image block the bot serves", () => {
  let bot: Awaited<ReturnType<typeof pictureBot>>;
  beforeAll(async () => {
    bot = await pictureBot({ PUBLIC_URL: "https://roadmap-bot.example.com" });
  });
  afterAll(() => bot.running.stop());

  it("GIVEN `/roadmap progress` while the render process is idle THEN its picture is drawn before Slack fetches the link", async () => {
    await bot.slash("done what-is-release-engineering");
    const before = bot.running.app.pictures.cached.pictures;
    const message = await bot.slash("progress");
    expect(blocksOf(message).at(-1)?.type).toBe("image");
    for (let tries = 0; bot.running.app.pictures.cached.pictures === before && tries < 500; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bot.running.app.pictures.cached.pictures).toBe(before + 1);
  });

  it("GIVEN `/roadmap progress` THEN the ephemeral answer ends in an image block whose signed link returns the PNG; an altered link or one a day old returns 404", async () => {
    const message = await bot.slash("progress");
    expect(message.response_type).toBe("ephemeral");
    const image = blocksOf(message).at(-1) as SlackBlock & { image_url?: string; alt_text?: string };
    expect(image.type).toBe("image");
    expect(image.alt_text).toContain("progress map");
    const url = new URL(image.image_url ?? "");
    expect(url.origin).toBe("https://roadmap-bot.example.com");
    expect(image.image_url?.length).toBeLessThan(3_000);
    const fetched = await fetch(`${bot.base}${url.pathname}`);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("image/png");
    const png = PNG.sync.read(Buffer.from(await fetched.arrayBuffer()));
    expect([png.width, png.height]).toEqual([1200, 675]);
    // One character of the signed part changed: refused.
    const tampered = url.pathname.replace(
      /\.([0-9a-z]+)\.([A-Za-z0-9_-])/,
      (_, expires, first) => `.${expires}.${first === "A" ? "B" : "A"}`,
    );
    expect(tampered).not.toBe(url.pathname);
    expect((await fetch(`${bot.base}${tampered}`)).status).toBe(404);
    expect((await fetch(`${bot.base}/images/nothing.png`)).status).toBe(404);
    expect(blockKitViolations(message)).toEqual([]);
    bot.later(25 * 3_600_000);
    expect((await fetch(`${bot.base}${url.pathname}`)).status).toBe(404);
  });

  it("GIVEN the weekly recap's post THEN each of its pictures is an image block with alt text whose link returns its PNG", async () => {
    const { recap, chart, map } = await recapWithPictures();
    await bot.running.slack?.delivery.postToChannel({ channelId: "C0RECAP" }, { reply: recap, key: "c1/recap" });
    const [post] = fake.postsTo("C0RECAP");
    expect(post?.text).toContain("Last week's leaderboard");
    const images = (post?.blocks ?? []).filter((block) => block.type === "image");
    expect(images.map((image) => image.alt_text)).toEqual([altText(chart), altText(map)]);
    expect(blockKitViolations({ blocks: post?.blocks ?? [] })).toEqual([]);
    for (const image of images) {
      const fetched = await fetch(`${bot.base}${new URL(image.image_url ?? "").pathname}`);
      expect(fetched.status).toBe(200);
      expect(PNG.sync.read(Buffer.from(await fetched.arrayBuffer())).height).toBe(675);
    }
    expect(fake.uploadsTo("C0RECAP")).toEqual([]);
  });

  it("GIVEN image blocks that break Block Kit's rules THEN the check names each: it is not a check that cannot fail", () => {
    expect(
      blockKitViolations({
        blocks: [
          { type: "image", image_url: "/images/relative.png", alt_text: "a map" },
          { type: "image", image_url: `https://x.example/${"a".repeat(3_000)}.png`, alt_text: "a map" },
          { type: "image", image_url: "https://x.example/a.png" },
        ],
      }),
    ).toEqual(['image url "/images/relative.png"', "image url 3022", "image without alt text"]);
  });
});

describe("Slack without PUBLIC_URL: a Picture button sends it by DM", () => {
  let bot: Awaited<ReturnType<typeof pictureBot>>;
  beforeAll(async () => {
    bot = await pictureBot();
  });
  afterAll(() => bot.running.stop());

  it("GIVEN `/roadmap leaderboard` THEN a Picture button comes with the text, and clicking it uploads the card to the person's DM", async () => {
    const message = await bot.slash("leaderboard");
    expect(blocksOf(message).some((block) => block.type === "image")).toBe(false);
    const button = blocksOf(message)
      .flatMap((block) => block.elements ?? [])
      .find((element) => element.action_id === "roadmap.picture");
    expect(button?.value).toBe("leaderboard");
    if (!button) return;
    const id = `pic${++responses}`;
    const body = clickBody({
      team: "T0TEST",
      button,
      person: { user: "U0PIC", name: "pia" },
      channelId: "C0PIC",
      responseUrl: fake.responseUrl(id),
      ephemeral: true,
    });
    expect((await postSigned(`${bot.base}/slack/events`, body, { secret })).status).toBe(200);
    const answer = (await fake.response(id)) as SlackResponse & { text?: string };
    expect(answer.text).toContain("sent you the picture");
    const uploads = fake.uploadsTo("D0PIC");
    expect(uploads.map((upload) => upload.filename)).toEqual(["leaderboard.png"]);
    expect(PNG.sync.read(uploads[0]?.bytes as Buffer).width).toBe(1200);
  });

  it("GIVEN the weekly recap's post THEN its pictures go up as files with their alt text in the post's thread; a failed upload does not fail the post", async () => {
    const { recap, chart, map } = await recapWithPictures();
    const delivery = bot.running.slack?.delivery;
    const ts = await delivery?.postToChannel({ channelId: "C0RECAP2" }, { reply: recap, key: "c1/recap" });
    const [post] = fake.postsTo("C0RECAP2");
    expect(post?.ts).toBe(ts);
    expect((post?.blocks ?? []).some((block) => block.type === "image")).toBe(false);
    const uploads = fake.uploadsTo("C0RECAP2");
    expect(uploads.map(({ filename, threadTs, altText }) => ({ filename, threadTs, altText }))).toEqual([
      { filename: "weekly-chart.png", threadTs: ts, altText: altText(chart) },
      { filename: "team-progress.png", threadTs: ts, altText: altText(map) },
    ]);
    expect(PNG.sync.read(uploads[0]?.bytes as Buffer).width).toBe(1200);

    fake.failMethod("files.getUploadURLExternal", "missing_scope", { needed: "files:write" });
    try {
      const second = await delivery?.postToChannel({ channelId: "C0RECAP3" }, { reply: recap, key: "c2/recap" });
      expect(fake.postsTo("C0RECAP3").map((one) => one.ts)).toEqual([second]);
      expect(fake.uploadsTo("C0RECAP3")).toEqual([]);
    } finally {
      fake.clearScripts();
    }
  });
});
