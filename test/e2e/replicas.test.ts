import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { createClient } from "@keyv/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.ts";
import { channelSubscriptionId } from "../../src/schedule/subscription.ts";
import { SubscriptionRepository } from "../../src/schedule/subscription-repository.ts";
import { localParts } from "../../src/schedule/zoned-time.ts";
import { openStore } from "../../src/store/open-store.ts";
import { contentDir } from "../helpers.ts";
import { channelSubscription } from "../schedule-sim.ts";
import { serviceAvailable } from "../services.ts";
import { FakeSlack, messageText, postSigned, slashCommandBody } from "./fake-slack.ts";

/** A Redis database of its own: the three replicas share it, nothing else uses it. */
const storeUrl = "redis://127.0.0.1:6379/10";
const secret = "replica-signing-secret";
const bin = path.resolve(import.meta.dirname, "../../bin/roadmap-bot.js");
const channels = Array.from({ length: 24 }, (_, i) => `C0REPLICA${String(i).padStart(2, "0")}`);

/** One `roadmap-bot start` process serving Slack over HTTP on a port of its own. */
class Replica {
  readonly child: ChildProcessWithoutNullStreams;
  logs = "";
  readonly port: Promise<number>;

  constructor(fake: FakeSlack) {
    this.child = spawn(process.execPath, [bin, "start"], {
      env: {
        PATH: process.env.PATH ?? "",
        SLACK_BOT_TOKEN: "xoxb-replica",
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        ROADMAP_PLATFORMS: "slack",
        STORE_URL: storeUrl,
        PORT: "0",
        CONTENT_DIR: contentDir,
        LOG_LEVEL: "info",
      },
    });
    this.port = new Promise<number>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        this.logs += chunk.toString();
        const match = /"port":(\d+)[^\n]*"msg":"http server listening"/.exec(this.logs);
        if (match) resolve(Number(match[1]));
      };
      this.child.stdout.on("data", read);
      this.child.stderr.on("data", read);
      this.child.once("exit", (code) => reject(new Error(`replica exited ${code}: ${this.logs}`)));
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const exit = new Promise<number | null>((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    return exit;
  }
}

/** A local time two minutes ago somewhere, so every channel's slot today has passed and is due now. */
function slotJustPassed(now: number): { zone: string; time: { hour: number; minute: number } } {
  for (const zone of ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]) {
    const local = localParts(now - 2 * 60_000, zone);
    // Not so close to local midnight that the slot falls on another date than the catch-up.
    if (local.hour >= 1 && local.hour <= 22) return { zone, time: { hour: local.hour, minute: local.minute } };
  }
  throw new Error("no zone is far enough from midnight");
}

describe("three replicas on one Redis", async () => {
  const available = await serviceAvailable("Redis", 6379);
  const fake = new FakeSlack();
  let replicas: Replica[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    if (!available) return;
    const redis = createClient({ url: storeUrl });
    await redis.connect();
    await redis.flushDb();
    await redis.close();
    await fake.start();
    const store = await openStore(storeUrl, silentLogger);
    const { zone, time } = slotJustPassed(Date.now());
    await new SubscriptionRepository(store, silentLogger).put(
      ...channels.map((channelId) =>
        channelSubscription({
          id: channelSubscriptionId("slack", "T0TEST", channelId),
          platform: "slack",
          teamId: "T0TEST",
          channelId,
          zone,
          time,
          weekdays: [1, 2, 3, 4, 5, 6, 7],
        }),
      ),
    );
    await store.close();
    replicas = [new Replica(fake), new Replica(fake), new Replica(fake)];
    urls = (await Promise.all(replicas.map((replica) => replica.port))).map((port) => `http://127.0.0.1:${port}`);
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas) replica.child.kill("SIGKILL");
    await fake.stop();
  });

  it.skipIf(!available)(
    "GIVEN every channel's slot due as three replicas start THEN each channel gets exactly one post",
    async () => {
      // Each replica ticks once as it starts; give the slowest tick time to land, then count.
      await fake.until(() => fake.posts.length >= channels.length);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const perChannel = channels.map((channel) => fake.postsTo(channel).length);
      expect(perChannel).toEqual(channels.map(() => 1));
    },
    60_000,
  );

  it.skipIf(!available)(
    "GIVEN slash commands spread round-robin over the replicas THEN no update is lost and every replica answered",
    async () => {
      const topics = ["semantic-versioning", "dora-metrics", "feature-flags", "helm-templating", "argocd-architecture"];
      const people = ["U0REPA", "U0REPB", "U0REPC", "U0REPD"];
      const requests = people.flatMap((user) => topics.map((topic) => ({ user, text: `done ${topic}` })));
      let turn = 0;
      const send = async (user: string, text: string) => {
        const url = urls[turn++ % urls.length] as string;
        const body = slashCommandBody({
          text,
          user,
          userName: user.toLowerCase(),
          responseUrl: fake.responseUrl(`rep-${turn}`),
        });
        const response = await postSigned(`${url}/slack/events`, body, { secret });
        expect(response.status).toBe(200);
        return response.text ? messageText(response.json()) : "";
      };
      const answers = await Promise.all(requests.map(({ user, text }) => send(user, text)));
      expect(answers.filter((answer) => answer.includes("Marked "))).toHaveLength(requests.length);
      for (const user of people) expect(await send(user, "progress")).toContain(`${topics.length}/112`);
      const board = await send("U0REPA", "leaderboard all");
      // Five Required topics: 15 pts each.
      for (const user of people) expect(board).toContain(`${user.toLowerCase()} · 15 pts`);
      expect(board).toContain(`${people.length} people · ${15 * people.length} pts in total`);
    },
    60_000,
  );

  it.skipIf(!available)("GIVEN SIGTERM THEN every replica exits 0", async () => {
    expect(await Promise.all(replicas.map((replica) => replica.stop()))).toEqual([0, 0, 0]);
  });
});
