/**
 * The load generator of bench/replicas.ts and bench/slack.ts, in a process of its own so its CPU is
 * not the servers' (LoadGenerator forks it; it does nothing when run alone). It takes orders over
 * the IPC channel:
 *
 *   probe  closed loop: `connections` requests in flight against one bot, for a throughput estimate
 *   run    open loop: arrivals at a fixed rate, round-robin over the targets (arrival i goes to
 *          target i mod n), at most `connections` in flight per target, the rest queued here
 *
 * Open loop: an arrival is due at its scheduled instant whether or not earlier ones were answered,
 * and its latency runs from that instant, so time spent queued in front of a busy bot counts
 * (no coordinated omission). The queue is this process's: the bots never hold more than
 * `connections` requests each, the way a proxy's upstream pool would bound them, so overload
 * shows as queueing here rather than as ever more concurrent work inside a bot.
 *
 * Every request is a freshly signed `/roadmap` slash command from a realistic mix, and every
 * answer is checked: HTTP 200 and the words that command must answer with. A command the bot
 * could not finish within 2 s is acknowledged empty and answered through its response_url, as
 * Slack allows; this process serves those URLs, checks that answer the same way, counts it as
 * deferred and takes its arrival as the answer's time. Writes are planned so
 * each answer is known whatever the order: a person marks each topic done at most once and undoes
 * only a topic whose `done` was already answered. What each person should have done at the end
 * goes back to the parent, which reads it from the store to prove no update was lost.
 *
 * This process shares the cores with the bots, so it is kept lean: requests go out through
 * KeepAliveClient (bench/keep-alive-client.ts), a minimal HTTP/1.1 client on node:net, rather than node:http's.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { slashCommandBody } from "../test/e2e/fake-slack.ts";
import { KeepAliveClient } from "./keep-alive-client.ts";
import {
  ForkedGenerator,
  type LoadMessage as ForkedMessage,
  MeasuredWindow,
  serveOrders,
  tellParent,
} from "./load-process.ts";
import { type Endpoint, signedCommand, unlike } from "./slack-command.ts";

export interface Topic {
  id: string;
  title: string;
}

/**
 * One command every person sends, each with the exact answer body they must get back (the Slack
 * bench's `stage 17`, whose answer differs by the person's progress): `bodies[u]` is person u's.
 */
export interface FixedCommand {
  text: string;
  bodies: string[];
  /** The Content-Type answers must have ("application/json": Slack reads nothing else as a message). */
  type?: string;
}

/** What a run or probe is given. `seeded[u]` are the topics person u has done before it starts. */
export interface LoadPlan {
  targets: string[];
  connections: number;
  secret: string;
  topics: Topic[];
  seeded: string[][];
  /**
   * "reads" turns every done and undo of the mix into a read (next, progress): no locks taken.
   * A FixedCommand replaces the mix: one person per body, each sending that command only.
   */
  mix: "full" | "reads" | FixedCommand;
}

export type LoadOrder =
  | ({ type: "probe"; warmupSeconds: number; seconds: number } & LoadPlan)
  | ({ type: "run"; rate: number; warmupSeconds: number; seconds: number } & LoadPlan);

export interface LoadResult {
  /** Arrivals scheduled inside the measured window (rate x seconds for a run; sent, for a probe). */
  offered: number;
  /** Requests written to a bot inside the measured window. */
  sent: number;
  /** Answers (good or bad) received inside the measured window. */
  completed: number;
  /** Bad answers over the whole run, warm-up and drain included. */
  errors: number;
  firstErrors: string[];
  /** Answers that came through response_url after an empty acknowledgement (whole run). */
  deferred: number;
  /** Arrivals still queued here when the window closed (never sent; they change nothing). */
  backlog: number;
  /** Answers received per measured second. */
  throughput: number;
  /** From the scheduled instant (open loop) or the send (probe) to the answer, in ms. */
  p50: number;
  p99: number;
  /** From the send to the answer: the time a request spent at the bot, in ms; also for writes and reads alone. */
  p99AtBot: number;
  p99AtBotWrites: number;
  p99AtBotReads: number;
  /** Writes (done, undo) among the answers in the window. */
  completedWrites: number;
  /** How late this process ran an arrival behind its schedule, worst case in the window, in ms. */
  maxLateMs: number;
  /** This process's CPU in the window, as a share of one core. */
  cpuShare: number;
  /** The done topics each person must have now, given the answers received. */
  expectedDone: string[][];
  /** Writes answered (done and undo), and how many planned writes had to fall back to a read. */
  writes: number;
  fallbacks: number;
  /** Answers received per target over the whole run. */
  perTarget: number[];
}

export type LoadMessage = ForkedMessage<LoadResult>;

/**
 * One person's requests cycle through this mix, each person at another offset: 25% `done`, 10% `undo`,
 * the rest reads. `undo` takes back the person's oldest answered `done` (seeded ones first).
 */
const mix = [
  "stage",
  "next",
  "done",
  "topic",
  "next",
  "done",
  "leaderboard",
  "stage",
  "done",
  "progress",
  "next",
  "undo",
  "topic",
  "done",
  "stage",
  "next",
  "done",
  "leaderboard",
  "topic",
  "undo",
] as const;

/** Topic titles as the bot writes them in mrkdwn. */
const mrkdwn = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

interface Person {
  userId: string;
  /** Topics not yet marked done in this run, in the order this person marks them. */
  fresh: string[];
  nextFresh: number;
  /** Done and answered, not yet undone: what `undo` may take back. */
  undoable: string[];
  done: Set<string>;
}

interface Planned {
  text: string;
  write?: boolean;
  /** Words the answer's text must contain. */
  expect: string;
  /** Or the whole body the answer must be, byte for byte, and its content type (a FixedCommand's). */
  exact?: string;
  type?: string;
  /** Applied when the answer is good. */
  onOk?: () => void;
}

class Workload {
  private readonly titles: Map<string, string>;
  private readonly people: Person[];
  private count = 0;
  private readonly readsOnly: boolean;
  private readonly fixed: FixedCommand | undefined;
  fallbacks = 0;
  writes = 0;

  constructor(plan: LoadPlan) {
    this.readsOnly = plan.mix === "reads";
    this.fixed = typeof plan.mix === "object" ? plan.mix : undefined;
    this.titles = new Map(plan.topics.map((topic) => [topic.id, topic.title]));
    const count = this.fixed ? this.fixed.bodies.length : plan.seeded.length;
    this.people = Array.from({ length: count }, (_, u) => {
      const seeded = plan.seeded[u] ?? [];
      const skip = new Set(seeded);
      // Each person walks the roadmap from another place, so people write different documents' topics.
      const start = (u * 17) % plan.topics.length;
      const order = [...plan.topics.slice(start), ...plan.topics.slice(0, start)];
      return {
        userId: userIdOf(u),
        fresh: order.map((topic) => topic.id).filter((id) => !skip.has(id)),
        nextFresh: 0,
        undoable: [...seeded],
        done: new Set(seeded),
      };
    });
  }

  expectedDone(): string[][] {
    return this.people.map((person) => [...person.done].sort());
  }

  /** The next request: person k mod n, the mix entry for their round. */
  next(): { person: Person; planned: Planned } {
    const k = this.count++;
    const u = k % this.people.length;
    const person = this.people[u] as Person;
    if (this.fixed) {
      const { text, bodies, type } = this.fixed;
      return { person, planned: { text, expect: "", exact: bodies[u], ...(type ? { type } : {}) } };
    }
    const slot = mix[(Math.floor(k / this.people.length) + u) % mix.length] ?? "stage";
    return { person, planned: this.plan(person, slot) };
  }

  private plan(person: Person, slot: (typeof mix)[number]): Planned {
    switch (slot) {
      case "stage":
        return { text: "stage 17", expect: "Stage 17 · ArgoCD" };
      case "topic":
        return { text: "topic helm-templating", expect: "Helm Templating" };
      case "next":
        return { text: "next", expect: "Next up: " };
      case "leaderboard":
        return { text: "leaderboard", expect: "Leaderboard · This week" };
      case "progress":
        return { text: "progress", expect: "Your progress" };
      case "undo": {
        if (this.readsOnly) return this.plan(person, "progress");
        const topic = person.undoable.shift();
        if (topic !== undefined) {
          return {
            text: `undo ${topic}`,
            write: true,
            expect: `Undone: ${mrkdwn(this.title(topic))} is back to not started (was done).`,
            onOk: () => {
              this.writes++;
              person.done.delete(topic);
            },
          };
        }
        return this.plan(person, "done");
      }
      case "done": {
        if (this.readsOnly) return this.plan(person, "next");
        const topic = person.fresh[person.nextFresh];
        if (topic === undefined) {
          this.fallbacks++;
          return this.plan(person, "stage");
        }
        person.nextFresh++;
        return {
          text: `done ${topic}`,
          write: true,
          expect: `Marked ${mrkdwn(this.title(topic))} as done.`,
          onOk: () => {
            this.writes++;
            person.done.add(topic);
            person.undoable.push(topic);
          },
        };
      }
    }
  }

  private title(id: string): string {
    return this.titles.get(id) ?? id;
  }
}

export const userIdOf = (u: number): string => `U0REPL${String(u).padStart(5, "0")}`;

const requestTimeoutMs = 15_000;

/** What one request came to. */
interface Answer {
  sentAt: number;
  doneAt: number;
  problem: string | undefined;
  write: boolean;
  /** Acknowledged empty, answered later through response_url (the bot took over 2 s). */
  deferred: boolean;
}

/** What a message says, as Slack shows its plain text; undefined when it has none. */
const shownText = (json: string): string | undefined => {
  try {
    const text = (JSON.parse(json) as { text?: unknown }).text;
    return typeof text === "string" ? text : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The response_url endpoint, as Slack's: a slow command is acknowledged empty and answered by a
 * POST here later, which is where its answer is checked then. Each request has an id of its own.
 */
class ResponseUrls {
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.writeHead(200).end("ok");
      const id = (req.url ?? "").slice("/respond/".length);
      const body = Buffer.concat(chunks).toString("utf8");
      const waiter = this.waiting.get(id);
      if (waiter) waiter(body);
      else this.early.set(id, body);
    });
  });
  private readonly waiting = new Map<string, (body: string) => void>();
  /** Answers that came before the empty acknowledgement was read. */
  private readonly early = new Map<string, string>();
  private count = 0;
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  newId(): string {
    return String(++this.count);
  }

  url(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  /** The body POSTed for `id`, or undefined if none comes within the timeout. */
  wait(id: string, ms: number): Promise<string | undefined> {
    const early = this.early.get(id);
    if (early !== undefined) {
      this.early.delete(id);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(undefined);
      }, ms);
      this.waiting.set(id, (body) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(body);
      });
    });
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

/** Where requests for one bot go: its client and what goes in the request line and Host header. */
interface Target extends Endpoint {
  client: KeepAliveClient;
}

class Sender {
  private readonly targets: Target[];

  constructor(
    private readonly plan: LoadPlan,
    private readonly workload: Workload,
    private readonly responses: ResponseUrls,
  ) {
    this.targets = plan.targets.map((target) => {
      const url = new URL(target);
      return {
        client: new KeepAliveClient(url.hostname, Number(url.port), plan.connections, requestTimeoutMs),
        path: url.pathname,
        host: url.host,
      };
    });
  }

  close(): void {
    for (const target of this.targets) target.client.close();
  }

  /** Sends the workload's next command to target `t`, signed now, and checks the answer. */
  send(t: number): Promise<Answer> {
    const { person, planned } = this.workload.next();
    const id = this.responses.newId();
    const body = slashCommandBody({
      text: planned.text,
      user: person.userId,
      userName: person.userId.toLowerCase(),
      responseUrl: this.responses.url(id),
    });
    const target = this.targets[t] as Target;
    const payload = signedCommand(target, this.plan.secret, body);
    const sentAt = performance.now();
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const finish = (problem: string | undefined, deferred = false) => {
        if (settled) return;
        settled = true;
        if (problem === undefined) planned.onOk?.();
        resolve({
          sentAt,
          doneAt: performance.now(),
          problem: problem && `${planned.text}: ${problem}`,
          write: planned.write === true,
          deferred,
        });
      };
      const check = (text: string, deferred: boolean) => {
        const shown = shownText(text);
        if (shown === undefined || !shown.includes(planned.expect)) {
          const got = shown ?? text.slice(0, 200);
          return finish(
            `expected "${planned.expect}"${deferred ? " (deferred)" : ""}, got ${JSON.stringify(got.slice(0, 200))}`,
          );
        }
        finish(undefined, deferred);
      };
      target.client.request(payload, (reply) => {
        if ("failed" in reply) return finish(reply.failed);
        if (reply.status !== 200) return finish(`HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
        // A string comparison, not a parse: this process's CPU is taken from the servers it measures.
        if (planned.exact !== undefined) {
          if (planned.type !== undefined && !reply.type.startsWith(planned.type))
            return finish(`content type "${reply.type}", expected "${planned.type}"`);
          return finish(reply.body === planned.exact ? undefined : unlike(planned.exact, reply.body));
        }
        if (reply.body !== "") return check(reply.body, false);
        // Acknowledged empty: the answer comes through response_url once the command is done.
        this.responses.wait(id, requestTimeoutMs).then((later) => {
          if (later === undefined) finish(`acknowledged empty, nothing on response_url within ${requestTimeoutMs} ms`);
          else check(later, true);
        });
      });
    });
  }
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN;
}

/** Latencies kept as plain numbers in a growable buffer: a run records tens of thousands. */
class Samples {
  private data = new Float64Array(1 << 14);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

class Tally {
  errors = 0;
  readonly firstErrors: string[] = [];
  completed = 0;
  completedWrites = 0;
  deferred = 0;
  sent = 0;
  readonly fromSchedule = new Samples();
  readonly atBot = new Samples();
  readonly atBotWrites = new Samples();
  readonly atBotReads = new Samples();
  readonly perTarget: number[];

  constructor(
    targets: number,
    private readonly windowStart: () => number,
    private readonly windowEnd: () => number,
  ) {
    this.perTarget = Array.from({ length: targets }, () => 0);
  }

  inWindow(at: number): boolean {
    return at >= this.windowStart() && at < this.windowEnd();
  }

  record(t: number, scheduledAt: number, answer: Answer): void {
    this.perTarget[t] = (this.perTarget[t] ?? 0) + 1;
    if (answer.deferred) this.deferred++;
    if (answer.problem !== undefined) {
      this.errors++;
      if (this.firstErrors.length < 5) this.firstErrors.push(answer.problem);
    }
    if (this.inWindow(answer.sentAt)) this.sent++;
    if (this.inWindow(answer.doneAt)) {
      this.completed++;
      this.fromSchedule.push(answer.doneAt - scheduledAt);
      this.atBot.push(answer.doneAt - answer.sentAt);
      if (answer.write) this.completedWrites++;
      (answer.write ? this.atBotWrites : this.atBotReads).push(answer.doneAt - answer.sentAt);
    }
  }
}

const send = (message: LoadMessage) => tellParent(message);

/** Closed loop: `connections` workers on the first target, each sending again once answered. */
async function probe(order: Extract<LoadOrder, { type: "probe" }>): Promise<LoadResult> {
  const workload = new Workload(order);
  const sender = new Sender(order, workload, responses);
  // The window's edges on timers, so the parent can read the server's CPU over the same span.
  const window = new MeasuredWindow(order.warmupSeconds, order.seconds);
  const tally = new Tally(
    1,
    () => window.opens,
    () => window.ends,
  );
  const worker = async () => {
    while (performance.now() < window.ends) {
      const answer = await sender.send(0);
      tally.record(0, answer.sentAt, answer);
    }
  };
  await Promise.all(Array.from({ length: order.connections }, worker));
  window.finish();
  sender.close();
  return summary(tally, workload, {
    offered: tally.sent,
    backlog: 0,
    seconds: order.seconds,
    maxLateMs: 0,
    cpuShare: window.cpuShare,
  });
}

/** Open loop at `rate`, round-robin over the targets; see the file comment. */
async function run(order: Extract<LoadOrder, { type: "run" }>): Promise<LoadResult> {
  const workload = new Workload(order);
  const sender = new Sender(order, workload, responses);
  const n = order.targets.length;
  const interval = 1000 / order.rate;
  const start = performance.now() + 20;
  const windowStart = start + order.warmupSeconds * 1000;
  const end = windowStart + order.seconds * 1000;
  const tally = new Tally(
    n,
    () => windowStart,
    () => end,
  );
  // Arrival i is due at start + i * interval and goes to target i mod n, so each target's next
  // arrival is known without a clock loop: a freed connection sends it at once when it is due (or
  // overdue: the wait for a connection counts in its latency), else one timer per target wakes for
  // it. Under overload answers drive every send, and the generator never wakes up for nothing
  // (a 1 ms tick loop cost it about 6% of a core, taken from the bots).
  const dueAt = (t: number, k: number) => start + (k * n + t) * interval;
  const targets = Array.from({ length: n }, () => ({
    next: 0,
    inFlight: 0,
    timer: undefined as NodeJS.Timeout | undefined,
  }));
  let maxLateMs = 0;
  let closed = false;
  let pending = 0;
  let drained: () => void = () => undefined;
  const allAnswered = new Promise<void>((resolve) => {
    drained = resolve;
  });

  const pump = (t: number, woken = false) => {
    const target = targets[t];
    if (!target) return;
    while (!closed && target.inFlight < order.connections) {
      const scheduledAt = dueAt(t, target.next);
      if (scheduledAt >= end) return;
      const now = performance.now();
      if (scheduledAt > now) {
        target.timer ??= setTimeout(() => {
          target.timer = undefined;
          pump(t, true);
        }, scheduledAt - now);
        return;
      }
      // How late a timer let an arrival go out: the generator's own lag, not the bots'.
      if (woken && scheduledAt >= windowStart) maxLateMs = Math.max(maxLateMs, now - scheduledAt);
      woken = false;
      target.next++;
      target.inFlight++;
      pending++;
      sender.send(t).then((answer) => {
        target.inFlight--;
        pending--;
        tally.record(t, scheduledAt, answer);
        pump(t);
        if (closed && pending === 0) drained();
      });
    }
  };

  let cpu = process.cpuUsage();
  await new Promise<void>((resolve) => {
    setTimeout(
      () => {
        for (let t = 0; t < n; t++) pump(t, true);
      },
      Math.max(0, start - performance.now()),
    );
    setTimeout(
      () => {
        cpu = process.cpuUsage();
        send({ type: "window", edge: "start" });
      },
      Math.max(0, windowStart - performance.now()),
    );
    setTimeout(resolve, Math.max(0, end - performance.now()));
  });
  const used = process.cpuUsage(cpu);
  send({ type: "window", edge: "end" });
  // Stop: what is due but not sent is never sent; what is at a bot is answered and checked.
  closed = true;
  for (const target of targets) clearTimeout(target.timer);
  const arrivals = Math.ceil((end - start) / interval);
  const offered = arrivals - Math.ceil((windowStart - start) / interval);
  const backlog = arrivals - targets.reduce((sum, target) => sum + target.next, 0);
  if (pending > 0) await allAnswered;
  sender.close();
  return summary(tally, workload, {
    offered,
    backlog,
    seconds: order.seconds,
    maxLateMs,
    cpuShare: (used.user + used.system) / 1000 / (end - windowStart),
  });
}

function summary(
  tally: Tally,
  workload: Workload,
  extra: { offered: number; backlog: number; seconds: number; maxLateMs: number; cpuShare: number },
): LoadResult {
  const fromSchedule = tally.fromSchedule.sorted();
  const atBot = tally.atBot.sorted();
  return {
    offered: extra.offered,
    sent: tally.sent,
    completed: tally.completed,
    errors: tally.errors,
    deferred: tally.deferred,
    firstErrors: tally.firstErrors,
    backlog: extra.backlog,
    throughput: tally.completed / extra.seconds,
    p50: percentile(fromSchedule, 0.5),
    p99: percentile(fromSchedule, 0.99),
    p99AtBot: percentile(atBot, 0.99),
    p99AtBotWrites: percentile(tally.atBotWrites.sorted(), 0.99),
    p99AtBotReads: percentile(tally.atBotReads.sorted(), 0.99),
    completedWrites: tally.completedWrites,
    maxLateMs: extra.maxLateMs,
    cpuShare: extra.cpuShare,
    expectedDone: workload.expectedDone(),
    writes: workload.writes,
    fallbacks: workload.fallbacks,
    perTarget: tally.perTarget,
  };
}

/** The parent's handle on this file run as a process of its own (forked, through tsx). */
export class LoadGenerator extends ForkedGenerator<LoadOrder, LoadResult> {
  constructor() {
    super(import.meta.filename);
  }
}

/** One response_url endpoint for every order this process runs. */
const responses = new ResponseUrls();

if (process.send) {
  await responses.start();
  serveOrders((order: LoadOrder) => (order.type === "probe" ? probe(order) : run(order)));
}
