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
 * KeepAliveClient, a minimal HTTP/1.1 client on node:net, rather than node:http's (see there).
 */
import { type ChildProcess, fork } from "node:child_process";
import { createServer } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { slackSignature, slashCommandBody } from "../test/e2e/fake-slack.ts";

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

/** Where an answer first departs from the exact body expected, with a little of both around it. */
function unlike(expected: string, got: string): string {
  let at = 0;
  while (at < expected.length && expected[at] === got[at]) at++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 80));
  return `answer differs from the expected body at character ${at} of ${expected.length}: expected ${around(expected)}, got ${around(got)} (${got.length} characters)`;
}

/** What a request came to: the status and body of the answer, or why there is none. */
/** `type`: the Content-Type header, lower case ("" when absent). */
type HttpReply = { status: number; type: string; body: string } | { failed: string };

const noBytes = Buffer.alloc(0);

/** One kept-alive socket of a KeepAliveClient. */
interface Connection {
  socket: Socket;
  /** Bytes of the answer received so far (answers may come in several `data` events). */
  received: Buffer;
  /** The request in flight on it, if any: at most one (no pipelining). */
  done: ((reply: HttpReply) => void) | undefined;
  /** Why the socket died, heard on `error`, reported on `close`. */
  error: Error | undefined;
}

/**
 * A minimal HTTP/1.1 keep-alive client, in the style of wrk or autocannon. This process shares the
 * machine's two cores with the bots it measures, so every bit of its CPU is taken from them, and
 * node:http's client (a ClientRequest, an IncomingMessage and their streams, header objects and
 * the Agent's bookkeeping, per request) made it spend about 1.5 to 2 times the CPU per request.
 * Here a request is one Buffer written to a persistent socket and its answer is read from the bytes.
 *
 * Up to `maxSockets` sockets to one host, one request in flight on each (no pipelining); requests
 * beyond that wait here in order (the callers keep within the limit, so none should).
 * Reads what Node's HTTP server sends: a status line, headers, and a body framed by Content-Length
 * or chunked (Bolt calls writeHead before end, so its answers are chunked), or, with neither, by
 * the socket closing. A socket that closes is dropped and the next request opens a new one;
 * the request in flight on it fails, with node:http's messages ("socket hang up", "aborted").
 */
export class KeepAliveClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: { payload: Buffer; done: (reply: HttpReply) => void }[] = [];
  private closing = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    /** No byte from the bot for this long while a request is in flight fails it, as node:http's `timeout`. */
    private readonly timeoutMs: number,
  ) {}

  /** Writes `payload` (a whole request) on a free socket; `done` hears the answer once. */
  request(payload: Buffer, done: (reply: HttpReply) => void): void {
    const connection = this.idle.pop() ?? (this.all.size < this.maxSockets ? this.connect() : undefined);
    if (connection) this.start(connection, payload, done);
    else this.waiting.push({ payload, done });
  }

  close(): void {
    this.closing = true;
    for (const connection of this.all) connection.socket.destroy();
  }

  private connect(): Connection {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const connection: Connection = { socket, received: noBytes, done: undefined, error: undefined };
    this.all.add(connection);
    // The socket's idle timer is node:http's request timeout: it runs again at every byte.
    socket.setTimeout(this.timeoutMs, () => {
      if (connection.done) socket.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
    });
    socket.on("data", (chunk: Buffer) => this.receive(connection, chunk));
    socket.on("error", (error) => {
      connection.error = error;
    });
    socket.on("close", () => this.closed(connection));
    return connection;
  }

  private start(connection: Connection, payload: Buffer, done: (reply: HttpReply) => void): void {
    connection.done = done;
    connection.socket.write(payload);
  }

  private receive(connection: Connection, chunk: Buffer): void {
    const bytes = connection.received.length === 0 ? chunk : Buffer.concat([connection.received, chunk]);
    let answer: ReturnType<typeof parseAnswer>;
    try {
      answer = parseAnswer(bytes, false);
    } catch (error) {
      connection.socket.destroy(error as Error);
      return;
    }
    if (!answer) {
      connection.received = bytes;
      return;
    }
    const done = connection.done;
    connection.received = noBytes;
    connection.done = undefined;
    // Nothing may follow an answer but the next request's: anything else leaves the socket unusable.
    if (answer.keepAlive && answer.end === bytes.length && done) this.release(connection);
    else connection.socket.destroy();
    done?.({ status: answer.status, type: answer.type, body: answer.body });
  }

  /** A socket free again takes the first waiting request, or waits itself. */
  private release(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) this.start(connection, next.payload, next.done);
    else this.idle.push(connection);
  }

  private closed(connection: Connection): void {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    const done = connection.done;
    connection.done = undefined;
    if (done) {
      // A body that runs until the socket closes is complete now; any other answer was cut short.
      let answer: ReturnType<typeof parseAnswer>;
      try {
        answer = connection.received.length > 0 ? parseAnswer(connection.received, true) : undefined;
      } catch {
        answer = undefined;
      }
      if (answer) done({ status: answer.status, type: answer.type, body: answer.body });
      else if (connection.received.indexOf("\r\n\r\n") >= 0) done({ failed: "response failed: aborted" });
      else done({ failed: `request failed: ${connection.error?.message ?? "socket hang up"}` });
    }
    // Requests that waited for a socket get a new one.
    const next = this.closing ? undefined : this.waiting.shift();
    if (next) this.start(this.connect(), next.payload, next.done);
  }
}

/**
 * The answer at the start of `bytes`, or undefined while more bytes are needed. `closed`: the socket
 * has closed, which ends a body framed by neither Content-Length nor chunked. Throws on bytes that
 * are not an HTTP/1.1 answer.
 */
function parseAnswer(
  bytes: Buffer,
  closed: boolean,
): { status: number; type: string; body: string; keepAlive: boolean; end: number } | undefined {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const lines = bytes.toString("latin1", 0, headEnd).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify((lines[0] ?? "").slice(0, 100))}`);
  let length: number | undefined;
  let chunked = false;
  let type = "";
  let keepAlive = (lines[0] ?? "").startsWith("HTTP/1.1");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (name === "content-length") length = Number(value);
    else if (name === "transfer-encoding") chunked = value.endsWith("chunked");
    else if (name === "content-type") type = value;
    else if (name === "connection") keepAlive = value === "keep-alive" || (keepAlive && value !== "close");
  }
  const bodyStart = headEnd + 4;
  const code = Number(status[1]);
  if (chunked) {
    const body = dechunk(bytes, bodyStart);
    return body && { status: code, type, body: body.text, keepAlive, end: body.end };
  }
  if (length !== undefined) {
    if (!Number.isInteger(length) || length < 0) throw new Error(`bad content-length ${length}`);
    if (bytes.length < bodyStart + length) return undefined;
    return {
      status: code,
      type,
      body: bytes.toString("utf8", bodyStart, bodyStart + length),
      keepAlive,
      end: bodyStart + length,
    };
  }
  if (code === 204 || code === 304) return { status: code, type, body: "", keepAlive, end: bodyStart };
  return closed
    ? { status: code, type, body: bytes.toString("utf8", bodyStart), keepAlive: false, end: bytes.length }
    : undefined;
}

/** A chunked body from `at`: its text and where it ends (after the trailers), or undefined if incomplete. */
function dechunk(bytes: Buffer, at: number): { text: string; end: number } | undefined {
  const chunks: Buffer[] = [];
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    // The size is hex, maybe followed by ";extension", which parseInt stops at.
    const size = Number.parseInt(bytes.toString("latin1", at, lineEnd), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error("bad chunk size");
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer lines, if any, then an empty line: the first CRLF CRLF from the size line's CRLF.
      const end = bytes.indexOf("\r\n\r\n", at - 2);
      if (end < 0) return undefined;
      const text =
        chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
      return { text, end: end + 4 };
    }
    if (bytes.length < at + size + 2) return undefined;
    chunks.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}

/** Where requests for one bot go: its client and what goes in the request line and Host header. */
interface Target {
  client: KeepAliveClient;
  path: string;
  host: string;
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
    const timestamp = Math.floor(Date.now() / 1000);
    const target = this.targets[t] as Target;
    const payload = Buffer.from(
      `POST ${target.path} HTTP/1.1\r\n` +
        `Host: ${target.host}\r\n` +
        "Connection: keep-alive\r\n" +
        "content-type: application/x-www-form-urlencoded\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-slack-request-timestamp: ${timestamp}\r\n` +
        `x-slack-signature: ${slackSignature(this.plan.secret, timestamp, body)}\r\n` +
        `\r\n${body}`,
    );
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
  // The window's edges on timers, so the parent can read the server's CPU over the same span.
  let cpu = process.cpuUsage();
  const opened = setTimeout(() => {
    cpu = process.cpuUsage();
    send({ type: "window", edge: "start" });
  }, windowStart - start);
  let used: NodeJS.CpuUsage | undefined;
  const close = () => {
    used ??= process.cpuUsage(cpu);
    send({ type: "window", edge: "end" });
  };
  const closed = setTimeout(close, end - start);
  const worker = async () => {
    while (performance.now() < end) {
      const answer = await sender.send(0);
      tally.record(0, answer.sentAt, answer);
    }
  };
  await Promise.all(Array.from({ length: order.connections }, worker));
  // A worker can see the deadline pass before the timer has run.
  clearTimeout(opened);
  clearTimeout(closed);
  if (!used) close();
  sender.close();
  return summary(tally, workload, {
    offered: tally.sent,
    backlog: 0,
    seconds: order.seconds,
    maxLateMs: 0,
    cpuShare: ((used?.user ?? 0) + (used?.system ?? 0)) / 1000 / (order.seconds * 1000),
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

/**
 * The parent's handle on this file run as a process of its own (forked, through tsx): one order
 * at a time.
 */
export class LoadGenerator {
  readonly child: ChildProcess;
  private listener: ((message: LoadMessage) => void) | undefined;
  private readonly ready: Promise<void>;

  constructor() {
    this.child = fork(import.meta.filename, [], {
      cwd: path.resolve(import.meta.dirname, ".."),
      execArgv: ["--import", "tsx"],
      // Structured clone, so NaN (no writes in a window) arrives as NaN, not null.
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.once("exit", (code) => reject(new Error(`load generator exited ${code}`)));
      this.child.on("message", (message: LoadMessage) => {
        if (message.type === "ready") resolve();
        else this.listener?.(message);
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Runs one order; `onWindow` hears when the measured window opens and closes. */
  async order(order: LoadOrder, onWindow: (edge: "start" | "end") => void = () => undefined): Promise<LoadResult> {
    await this.ready;
    let onExit: (code: number | null) => void = () => undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = (code) => reject(new Error(`load generator exited ${code} during a run`));
      this.child.once("exit", onExit);
    });
    const result = new Promise<LoadResult>((resolve) => {
      this.listener = (message) => {
        if (message.type === "window") onWindow(message.edge);
        else if (message.type === "result") resolve(message.result);
      };
    });
    this.child.send(order);
    try {
      return await Promise.race([result, exited]);
    } finally {
      this.listener = undefined;
      this.child.off("exit", onExit);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
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
