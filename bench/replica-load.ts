/**
 * The load generator of bench/replicas.ts, in a process of its own so its CPU is not the bots'
 * (it is forked there; it does nothing when run alone). It takes orders over the IPC channel:
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
 */
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { slackSignature, slashCommandBody } from "../test/e2e/fake-slack.ts";

export interface Topic {
  id: string;
  title: string;
}

/** What a run or probe is given. `seeded[u]` are the topics person u has done before it starts. */
export interface LoadPlan {
  targets: string[];
  connections: number;
  secret: string;
  topics: Topic[];
  seeded: string[][];
  /** "reads" turns every done and undo of the mix into a read (next, progress): no locks taken. */
  mix: "full" | "reads";
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

export type LoadMessage =
  | { type: "ready" }
  | { type: "window"; edge: "start" | "end" }
  | { type: "result"; result: LoadResult };

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
  expect: string;
  /** Applied when the answer is good. */
  onOk?: () => void;
}

class Workload {
  private readonly titles: Map<string, string>;
  private readonly people: Person[];
  private count = 0;
  private readonly readsOnly: boolean;
  fallbacks = 0;
  writes = 0;

  constructor(plan: LoadPlan) {
    this.readsOnly = plan.mix === "reads";
    this.titles = new Map(plan.topics.map((topic) => [topic.id, topic.title]));
    this.people = plan.seeded.map((seeded, u) => {
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

class Sender {
  private readonly agents: Agent[];
  private readonly hosts: { hostname: string; port: number; path: string }[];

  constructor(
    private readonly plan: LoadPlan,
    private readonly workload: Workload,
    private readonly responses: ResponseUrls,
  ) {
    this.agents = plan.targets.map(() => new Agent({ keepAlive: true, maxSockets: plan.connections }));
    this.hosts = plan.targets.map((target) => {
      const url = new URL(target);
      return { hostname: url.hostname, port: Number(url.port), path: url.pathname };
    });
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
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
    const timestamp = Math.floor(Date.now() / 1000);
    const host = this.hosts[t] as { hostname: string; port: number; path: string };
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
      const req = request(
        {
          ...host,
          method: "POST",
          agent: this.agents[t],
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "content-length": Buffer.byteLength(body),
            "x-slack-request-timestamp": String(timestamp),
            "x-slack-signature": slackSignature(this.plan.secret, timestamp, body),
          },
          timeout: requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => finish(`response failed: ${error.message}`));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) return finish(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
            if (text !== "") return check(text, false);
            // Acknowledged empty: the answer comes through response_url once the command is done.
            this.responses.wait(id, requestTimeoutMs).then((later) => {
              if (later === undefined)
                finish(`acknowledged empty, nothing on response_url within ${requestTimeoutMs} ms`);
              else check(later, true);
            });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${requestTimeoutMs} ms`)));
      req.on("error", (error) => finish(`request failed: ${error.message}`));
      req.end(body);
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

const send = (message: LoadMessage) => process.send?.(message);

/** Closed loop: `connections` workers on the first target, each sending again once answered. */
async function probe(order: Extract<LoadOrder, { type: "probe" }>): Promise<LoadResult> {
  const workload = new Workload(order);
  const sender = new Sender(order, workload, responses);
  const start = performance.now();
  const windowStart = start + order.warmupSeconds * 1000;
  const end = windowStart + order.seconds * 1000;
  const tally = new Tally(
    1,
    () => windowStart,
    () => end,
  );
  let cpu = process.cpuUsage();
  let cpuTaken = false;
  const worker = async () => {
    while (performance.now() < end) {
      if (!cpuTaken && performance.now() >= windowStart) {
        cpuTaken = true;
        cpu = process.cpuUsage();
      }
      const answer = await sender.send(0);
      tally.record(0, answer.sentAt, answer);
    }
  };
  await Promise.all(Array.from({ length: order.connections }, worker));
  const used = process.cpuUsage(cpu);
  sender.close();
  return summary(tally, workload, {
    offered: tally.sent,
    backlog: 0,
    seconds: order.seconds,
    maxLateMs: 0,
    cpuShare: (used.user + used.system) / 1000 / (order.seconds * 1000),
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
  // Per target: scheduled instants waiting for a free connection (a FIFO with a moving head).
  const queues = Array.from({ length: n }, () => ({ at: [] as number[], head: 0, inFlight: 0 }));
  let arrivals = 0;
  let offered = 0;
  let maxLateMs = 0;
  let closed = false;
  let pending = 0;
  let drained: () => void = () => undefined;
  const allAnswered = new Promise<void>((resolve) => {
    drained = resolve;
  });

  const pump = (t: number) => {
    const queue = queues[t];
    if (!queue) return;
    while (!closed && queue.inFlight < order.connections && queue.head < queue.at.length) {
      const scheduledAt = queue.at[queue.head++] as number;
      queue.inFlight++;
      pending++;
      sender.send(t).then((answer) => {
        queue.inFlight--;
        pending--;
        tally.record(t, scheduledAt, answer);
        pump(t);
        if (closed && pending === 0) drained();
      });
    }
    // Drop what was sent, now and then, so the array does not keep every instant of the run.
    if (queue.head > 65_536) {
      queue.at = queue.at.slice(queue.head);
      queue.head = 0;
    }
  };

  let cpu = process.cpuUsage();
  let windowOpen = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!windowOpen && now >= windowStart) {
        windowOpen = true;
        cpu = process.cpuUsage();
        send({ type: "window", edge: "start" });
      }
      const touched = new Set<number>();
      for (let at = start + arrivals * interval; at <= now && at < end; at = start + arrivals * interval) {
        const t = arrivals % n;
        arrivals++;
        queues[t]?.at.push(at);
        touched.add(t);
        if (at >= windowStart) {
          offered++;
          maxLateMs = Math.max(maxLateMs, now - at);
        }
      }
      for (const t of touched) pump(t);
      if (now < end) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  const used = process.cpuUsage(cpu);
  send({ type: "window", edge: "end" });
  // Stop: what is queued here is never sent; what is at a bot is answered and checked.
  closed = true;
  const backlog = queues.reduce((sum, queue) => sum + queue.at.length - queue.head, 0);
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

/** One response_url endpoint for every order this process runs. */
const responses = new ResponseUrls();

if (process.send) {
  await responses.start();
  process.on("message", (order: LoadOrder) => {
    (order.type === "probe" ? probe(order) : run(order)).then(
      (result) => send({ type: "result", result }),
      (error: unknown) => {
        console.error(`load generator failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  });
  // The parent went away (finished, or killed): nothing left to do.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready" });
}
