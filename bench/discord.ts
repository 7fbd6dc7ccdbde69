/**
 * Discord gateway throughput: INTERACTION_CREATE for `/roadmap stage 17` dispatched by the fake
 * Discord (test/e2e/fake-discord.ts) to the full bot and, in the same run and harness, to a bare
 * discord.js client whose handler replies a constant. Each target has its own fake (one fake serves
 * one gateway session), so a dispatch reaches only the client it is meant for. Both targets are
 * discord.js clients with the Guilds intent, so the ratio bot/bare is what the bot adds on top of
 * discord.js (core, store read, embeds and buttons, and discord.js serializing them), not what
 * discord.js costs. Latency runs from dispatch to the interaction callback arriving at the fake.
 *
 *   npx tsx bench/discord.ts [--seconds 3] [--rate 200] [--concurrency 16]
 *
 * Two phases per target, each `--seconds` long, in rounds that alternate which target goes first:
 * - fixed rate (open loop): `--rate` dispatches a second on a schedule that never waits for answers.
 *   Latency counts from each dispatch's scheduled time, so a busy event loop cannot hide queueing
 *   (it includes about 1 ms of timer slack, the same for both). The default 200/s is well under what
 *   either target sustains on a 2-core machine (both above 1000/s), so both keep up and p99 shows
 *   per-interaction latency, not a backlog; throughput here equals the rate by construction.
 * - capacity (closed loop): `--concurrency` interactions in flight, each dispatched as soon as the
 *   previous one's callback arrives. Its throughput is what each target can sustain, and the ratio
 *   printed last is taken from it: a ratio at a rate both sustain would be 1.00 whatever the bot costs.
 * Interaction callbacks are exempt from discord.js's global 50 req/s limit and run in parallel
 * (its BurstHandler), so neither target is throttled by the REST client.
 *
 * The fakes, the load generator and both clients share this process and its CPU, and the fakes
 * keep every interaction they saw, so the figures compare the two targets with each other, not
 * with what a deployed bot can serve.
 *
 * Prints figures only; it never fails on speed, but it does exit 1 if any interaction gets no
 * callback, or a wrong one (the bot's must be the ArgoCD stage with that member's progress),
 * because a benchmark that measures errors measures nothing.
 */
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import {
  type APIChatInputApplicationCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  InteractionResponseType,
} from "discord.js";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type RunningBot, startBot } from "../src/main.ts";
import { openStore } from "../src/store/open-store.ts";
import { APP_ID, type CallbackBody, chatInput, FakeDiscord, snowflake, user } from "../test/e2e/fake-discord.ts";
import { closedLoop, p99, ratioLine } from "./stats.ts";

const target = 0.8;
/** Bare and bot alternate in rounds, each going first equally often, so drift (GC, CPU boost, neighbours) hits both. */
const rounds = 4;
/** Enough members that the bot reads many progress documents, few enough to seed quickly. */
const users = 300;
/** An interaction with no callback by then counts as unanswered (Discord allows 3 s). */
const callbackTimeoutMs = 5_000;
const expectedTitle = "Stage 17 · ArgoCD";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    rate: { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const concurrency = Number(values.concurrency);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
if (!Number.isFinite(rate) || rate <= 0) throw new Error("--rate must be a positive number (dispatches a second)");
if (!Number.isInteger(concurrency) || concurrency <= 0) throw new Error("--concurrency must be a positive integer");

/** Bench member i's snowflake; ids repeat every `users` interactions. */
const memberId = (i: number): string => (1290000000000010000n + BigInt(i % users)).toString();

/** One payload per member, built once: a dispatch only adds a fresh id and token. */
const templates = Array.from({ length: users }, (_, i) =>
  chatInput({
    subcommand: "stage",
    options: [{ name: "number", type: 4, value: 17 }],
    user: user({ id: memberId(i), username: `bench${i}`, global_name: `Bench ${i}` }),
  }),
);

interface Arrival {
  /** performance.now() when the callback reached the fake. */
  at: number;
  member: number;
  body: CallbackBody;
}

/**
 * A client under test behind its own fake. Callbacks are seen through the fake's override hook,
 * which runs as each request arrives (its body already parsed) and passes it on to the fake's own
 * routes; that stamps the arrival time without polling the fake's records.
 */
class Target {
  /** Dispatched interactions waiting for their callback, oldest first. */
  private readonly pending = new Map<string, { since: number; member: number; settle: (a?: Arrival) => void }>();
  failures = 0;
  firstFailure: string | undefined;

  constructor(
    readonly name: string,
    readonly fake: FakeDiscord,
    /** What is wrong with a callback for that member, or undefined if it is the real answer. */
    private readonly check: (body: CallbackBody, member: number) => string | undefined,
  ) {
    fake.override((request) => {
      if (request.method !== "POST" || !request.path.endsWith("/callback")) return undefined;
      const at = performance.now();
      const id = request.path.split("/")[2] ?? "";
      const waiting = this.pending.get(id);
      if (!waiting) this.fail(`a callback for interaction ${id}, which is unknown or already answered`);
      else {
        this.pending.delete(id);
        waiting.settle({ at, member: waiting.member, body: request.body as CallbackBody });
      }
      return undefined;
    });
  }

  fail(problem: string): void {
    this.failures++;
    this.firstFailure ??= `${this.name}: ${problem}`;
  }

  /** Dispatches the next member's `/roadmap stage 17`; resolves on its callback, or undefined if none came. */
  send(member: number): Promise<Arrival | undefined> {
    const template = templates[member % users] as APIChatInputApplicationCommandInteraction;
    const id = snowflake();
    const arrival = new Promise<Arrival | undefined>((settle) =>
      this.pending.set(id, { since: performance.now(), member, settle }),
    );
    void this.fake.interaction({ ...template, id, token: `bench-token-${id}` });
    return arrival.then((arrived) => {
      if (!arrived) this.fail(`no callback within ${callbackTimeoutMs} ms`);
      else {
        const problem = this.check(arrived.body, arrived.member);
        if (problem) this.fail(problem);
      }
      return arrived;
    });
  }

  /** Gives up on interactions dispatched more than callbackTimeoutMs ago. */
  sweep(now: number): void {
    for (const [id, waiting] of this.pending) {
      if (now - waiting.since < callbackTimeoutMs) break;
      this.pending.delete(id);
      waiting.settle(undefined);
    }
  }
}

interface Tally {
  callbacks: number;
  ms: number;
  latencies: number[];
}

const emptyTally = (): Tally => ({ callbacks: 0, ms: 0, latencies: [] });

let dispatched = 0;

/**
 * Open loop: dispatch i is due at start + i/rate whatever has been answered. A late timer sends
 * everything that is due at once; latency still counts from when each was due.
 */
async function fixedRate(to: Target, budgetSeconds: number, tally: Tally): Promise<void> {
  const count = Math.max(1, Math.round(budgetSeconds * rate));
  const interval = 1000 / rate;
  const start = performance.now();
  let last = start;
  const answers: Promise<void>[] = [];
  for (let sent = 0; sent < count; ) {
    const due = Math.min(count, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const scheduled = start + sent * interval;
      answers.push(
        to.send(dispatched++).then((arrived) => {
          if (!arrived) return;
          tally.callbacks++;
          tally.latencies.push(arrived.at - scheduled);
          last = Math.max(last, arrived.at);
        }),
      );
    }
    const wait = start + sent * interval - performance.now();
    if (sent < count && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(answers);
  // The round lasts its schedule, or until the last callback if that came later: keeping up reads as `rate`.
  tally.ms += Math.max(last, start + count * interval) - start;
}

/** Closed loop: `concurrency` workers, each dispatching again as soon as its callback arrives, until the budget is spent. */
async function capacity(to: Target, budgetSeconds: number, tally: Tally): Promise<void> {
  tally.ms += await closedLoop(concurrency, budgetSeconds, async () => {
    const sent = performance.now();
    const arrived = await to.send(dispatched++);
    if (arrived) {
      tally.callbacks++;
      tally.latencies.push(arrived.at - sent);
    }
  });
}

const perSecond = (t: Tally): number => (t.callbacks * 1000) / t.ms;
const line = (name: string, t: Tally): string =>
  `  ${name.padEnd(30)} ${perSecond(t).toFixed(0).padStart(6)} callbacks/s  p99 ${p99(t.latencies).toFixed(2).padStart(6)} ms` +
  `  (${t.callbacks} callbacks in ${t.ms.toFixed(0)} ms)`;

/** Text of an embed list, for checks: titles and descriptions. */
const embedText = (body: CallbackBody): string =>
  (body.data?.embeds ?? [])
    .map((embed) => `${String(embed.title ?? "")}\n${String(embed.description ?? "")}`)
    .join("\n");

/**
 * Gives each bench member three done topics, one to three of them in stage 17, so their documents
 * differ; returns how many of stage 17's topics each has done, to check the bot really read them.
 */
async function seedProgress(bot: RunningBot): Promise<{ done: number[]; total: number }> {
  const { core } = bot.app;
  const roadmap = core.defaultRoadmap;
  const stage17 = roadmap.stages.find((stage) => stage.number === 17);
  if (!stage17) throw new Error("the default roadmap has no stage 17");
  const inStage = new Set(stage17.topics.map((topic) => topic.id));
  const done = await Promise.all(
    Array.from({ length: users }, async (_, i) => {
      const who = { platform: "discord", userId: memberId(i) };
      const picks = [
        stage17.topics[i % stage17.topics.length],
        stage17.topics[(i + 2) % stage17.topics.length],
        roadmap.topics[(i * 7) % roadmap.topics.length],
      ];
      // Sequential per member: each `done` is a read-modify-write of that member's one document.
      for (const topic of picks) {
        if (!topic) continue;
        const reply = await core.handle({ text: `done ${topic.id}`, who });
        if (reply.outcome !== "ok") throw new Error(`seeding "done ${topic.id}" answered ${reply.outcome}`);
      }
      return new Set(picks.flatMap((topic) => (topic && inStage.has(topic.id) ? [topic.id] : []))).size;
    }),
  );
  return { done, total: stage17.topics.length };
}

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-discord-bench-"));
const botFake = new FakeDiscord();
const bareFake = new FakeDiscord();
let bot: RunningBot | undefined;
let bare: Client | undefined;
let sweeper: NodeJS.Timeout | undefined;
try {
  await botFake.start();
  await bareFake.start();
  // The bot owns the store from here on: it closes it on stop, and on a failed start too.
  const store = await openStore(`sqlite://${path.join(dir, "bench.sqlite")}`, silentLogger);
  bot = await startBot(
    loadConfig({
      DISCORD_TOKEN: "bench-token",
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: botFake.apiUrl,
      PORT: "0",
      CONTENT_DIR: path.join(import.meta.dirname, "..", "content"),
      LOG_LEVEL: "silent",
    }),
    { store },
  );
  // Through the bot's own core rather than the gateway: setup stays quick, and the documents are
  // exactly what `done` writes.
  const seeded = await seedProgress(bot);

  bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: bareFake.apiUrl } });
  bare.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isRepliable()) return;
    interaction.reply({ content: "ok", allowedMentions: { parse: [] } }).catch(() => undefined);
  });
  await Promise.all([once(bare, Events.ClientReady), bare.login("bench-token")]);

  const isMessage = (body: CallbackBody): string | undefined =>
    body.type === InteractionResponseType.ChannelMessageWithSource
      ? undefined
      : `callback type ${body.type}, not a message (4): ${JSON.stringify(body).slice(0, 200)}`;
  const targets = [
    new Target('bare discord.js (reply "ok")', bareFake, (body) => {
      const problem = isMessage(body);
      if (problem) return problem;
      return body.data?.content === "ok" ? undefined : `unexpected reply: ${JSON.stringify(body).slice(0, 200)}`;
    }),
    new Target("roadmap-bot", botFake, (body, member) => {
      const problem = isMessage(body);
      if (problem) return problem;
      const text = embedText(body);
      if (!text.includes(expectedTitle)) return `no "${expectedTitle}" in the embeds: ${text.slice(0, 200)}`;
      // The member's own progress, e.g. "2/5 ·", shows the bot read their document.
      const progress = `${seeded.done[member % users]}/${seeded.total} ·`;
      return text.includes(progress) ? undefined : `member ${member % users} should see "${progress}": ${text}`;
    }),
  ] as const;
  const [bareTarget, botTarget] = targets;
  sweeper = setInterval(() => {
    for (const to of targets) to.sweep(performance.now());
  }, 250);

  const phases = [
    { name: `fixed rate ${rate}/s (open loop, latency from scheduled dispatch)`, run: fixedRate },
    { name: `capacity, ${concurrency} in flight (closed loop)`, run: capacity },
  ].map((phase) => ({ ...phase, tallies: new Map(targets.map((to) => [to, emptyTally()])) }));
  const ok = (): boolean => targets.every((to) => to.failures === 0);

  // Warm-up: both must answer correctly before anything is measured (one interaction per worker),
  // then run briefly so JIT, connection pools and the store cache are warm.
  for (const to of targets) {
    await capacity(to, 0, emptyTally());
    if (ok()) await capacity(to, Math.min(1, seconds / 3), emptyTally());
  }
  for (const phase of phases) {
    for (let round = 0; round < rounds && ok(); round++) {
      for (const to of round % 2 === 0 ? [bareTarget, botTarget] : [botTarget, bareTarget]) {
        const tally = phase.tallies.get(to) ?? emptyTally();
        await phase.run(to, seconds / rounds, tally);
      }
    }
  }

  console.log(
    "roadmap-bot Discord bench: INTERACTION_CREATE `/roadmap stage 17` through a fake gateway, dispatch to " +
      `callback, ${rounds} rounds x ${(seconds / rounds).toFixed(2)}s per target and phase, ${users} members, SQLite store`,
  );
  const failures = targets.reduce((sum, to) => sum + to.failures, 0);
  const fakeErrors = [botFake, bareFake].flatMap((fake) => [
    ...fake.errors,
    ...fake.unknownRoutes.map((r) => `unknown route ${r.method} ${r.path}`),
  ]);
  if (failures > 0 || fakeErrors.length > 0) {
    const first = targets.find((to) => to.firstFailure)?.firstFailure ?? fakeErrors[0];
    console.error(`bench failed: ${failures + fakeErrors.length} bad or missing callback(s); first: ${first}`);
    process.exitCode = 1;
  } else {
    for (const phase of phases) {
      console.log(`${phase.name}:`);
      for (const to of targets) console.log(line(to.name, phase.tallies.get(to) ?? emptyTally()));
    }
    const measured = phases.at(-1)?.tallies;
    const ratio =
      perSecond(measured?.get(botTarget) ?? emptyTally()) / perSecond(measured?.get(bareTarget) ?? emptyTally());
    console.log(ratioLine("bot/bare-discord.js", ratio, target));
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  clearInterval(sweeper);
  // Clients first: a client still connected when its fake stops is closed with 4004 and gives up.
  await bare?.destroy();
  await bot?.stop(); // closes the HTTP server, destroys its client, then closes the store
  await botFake.stop();
  await bareFake.stop();
  await rm(dir, { recursive: true, force: true });
}
