/**
 * The load generator of bench/images.ts, in a process of its own so its CPU is not the bot's
 * (ImagesLoad forks it; it does nothing when run alone). Orders, one at a time, over IPC:
 *
 *   setup    who asks what, and the answers they must get (bench/images-expect.ts)
 *   pool     every pool person's `progress` once and its picture fetched: what the pool weighs
 *   round    closed loop, `connections` commands in flight: `stage 17` only, or every 10th command
 *            a `progress` for the next person of the pool, whose picture is then fetched
 *   latency  one request at a time: a text-only `progress`, then a `progress` and its cached
 *            picture, taken in turn
 *
 * A picture is fetched as Slack's image proxy fetches one: once, after the message came, from the
 * link's path on the bot's own port, on a client of its own with a few sockets (ImageProxy), so a
 * command's connection goes on to its next command at once. Links wait here for a socket; those
 * still waiting when a round's window closes are dropped, so they do not load the next round.
 *
 * Every picture in the rounds must be a real render, as Slack's proxy fetches each new image once:
 * this process keeps the order of every picture drawn for it and fails a fetch the bot's cache
 * could still hold (the cache is an LRU bounded by bytes, so that is known from the sizes).
 * The pool is asked in a cycle that each round starts again after the last picture fetched, so
 * the pictures fetched follow the pool's order and none comes back before the whole pool has.
 */
import { performance } from "node:perf_hooks";
import { defaultCacheBytes } from "../src/pictures/picture-renderer.ts";
import { slashCommandBody } from "../test/e2e/fake-slack.ts";
import {
  type Expected,
  exactProblem,
  type Fixtures,
  type PictureLink,
  pictureAnswer,
  pngProblem,
  textOnlyProblem,
} from "./images-expect.ts";
import { type HttpReply, KeepAliveClient } from "./keep-alive-client.ts";
import { ForkedGenerator, MeasuredWindow, serveOrders } from "./load-process.ts";
import { type Endpoint, signedCommand } from "./slack-command.ts";
import { median, p99 } from "./stats.ts";

export type ImagesOrder =
  | { type: "setup"; fixtures: Fixtures }
  | { type: "pool"; sockets: number }
  | {
      type: "round";
      pictures: boolean;
      connections: number;
      sockets: number;
      warmupSeconds: number;
      seconds: number;
    }
  | { type: "latency"; samples: number; cached: number };

/** Bad answers and failed requests of an order, warm-up and drain included. */
export interface Checked {
  errors: number;
  firstErrors: string[];
}

export interface PoolResult extends Checked {
  type: "pool";
  pictures: number;
  bytes: number;
}

export interface RoundResult extends Checked {
  type: "round";
  /** Commands answered in the window, of both kinds, and per second. */
  commands: number;
  perSecond: number;
  /** Picture answers received in the window, and their PNGs received in it. */
  asked: number;
  delivered: number;
  /** From a picture answer to its PNG, for the PNGs received in the window, in ms. */
  toPngMedian: number;
  toPngP99: number;
  /** Pictures waiting or being fetched when the window closed. */
  queued: number;
  /** This process's CPU in the window, as a share of one core. */
  cpuShare: number;
}

export interface LatencyResult extends Checked {
  type: "latency";
  /** Each sample, in ms: a text-only `progress`; a `progress` and then its picture, from the cache. */
  textMs: number[];
  cachedMs: number[];
}

export type ImagesResult = { type: "setup" } | PoolResult | RoundResult | LatencyResult;

const timeoutMs = 15_000;
/** Where a deferred answer would go: nowhere, as an empty acknowledgement already fails the check. */
const responseUrl = "http://127.0.0.1:9/respond";

let fixtures: Fixtures;
let bot: Endpoint & { hostname: string; port: number };
/** Position of the next pool person to ask, counted over the whole run (person = position mod pool size). */
let cursor = 0;
/** Every picture drawn for this process, in order, with its size: what the bot's cache may still hold. */
const drawn: { view: string; bytes: number }[] = [];

/**
 * Whether the bot's cache may still hold a view: in an LRU bounded by bytes, a picture stays until
 * it and the pictures drawn after it exceed the bound.
 */
function mayBeCached(view: string): boolean {
  let after = 0;
  for (let i = drawn.length - 1; i >= 0 && after <= defaultCacheBytes; i--) {
    const entry = drawn[i] as (typeof drawn)[number];
    if (entry.view === view) return entry.bytes + after <= defaultCacheBytes;
    after += entry.bytes;
  }
  return false;
}

class Problems implements Checked {
  errors = 0;
  readonly firstErrors: string[] = [];

  add(problem: string): void {
    this.errors++;
    if (this.firstErrors.length < 5) this.firstErrors.push(problem);
  }
}

interface Timed {
  reply: HttpReply;
  sentAt: number;
  doneAt: number;
}

const request = (client: KeepAliveClient, payload: Buffer): Promise<Timed> => {
  const sentAt = performance.now();
  return new Promise((resolve) =>
    client.request(payload, (reply) => resolve({ reply, sentAt, doneAt: performance.now() })),
  );
};

/** `/roadmap <text>` from a person, signed now. */
function command(client: KeepAliveClient, text: string, person: Expected): Promise<Timed> {
  const fields = slashCommandBody({ text, user: person.userId, userName: person.userId.toLowerCase(), responseUrl });
  // The e2e helper always says T0TEST: the team that turned pictures off is another.
  const body = person.teamId ? fields.replace("team_id=T0TEST", `team_id=${person.teamId}`) : fields;
  return request(client, signedCommand(bot, fixtures.secret, body));
}

const getPicture = (client: KeepAliveClient, link: PictureLink): Promise<Timed> =>
  request(client, Buffer.from(`GET ${link.path} HTTP/1.1\r\nHost: ${bot.host}\r\nConnection: keep-alive\r\n\r\n`));

/** The next pool person to ask, and their position in the cycle. */
function nextOfPool(): { position: number; person: Expected } {
  const position = cursor++;
  return { position, person: fixtures.pool[position % fixtures.pool.length] as Expected };
}

interface Wanted {
  link: PictureLink;
  position: number;
  who: string;
  /** When the answer carrying the link came. */
  answeredAt: number;
}

/**
 * Slack's image proxy as this bench plays it: links wait here in order for one of `sockets`
 * connections; each PNG is checked, and must be a fresh render (see the file comment).
 */
class ImageProxy {
  private readonly client: KeepAliveClient;
  private readonly queue: Wanted[] = [];
  private inFlight = 0;
  private idle: (() => void) | undefined;
  /** The cycle position after the last picture fetched: where the next round starts asking. */
  fetchedUpTo = cursor;
  bytes = 0;

  constructor(
    private readonly sockets: number,
    private readonly problems: Problems,
    private readonly onPng: (wanted: Wanted, at: number) => void,
  ) {
    this.client = new KeepAliveClient(bot.hostname, bot.port, sockets, timeoutMs, "latin1");
  }

  want(wanted: Wanted): void {
    this.queue.push(wanted);
    this.pump();
  }

  /** Waiting or being fetched. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Resolves once every link is fetched; `drop`: forgets those still waiting first. */
  async settle(drop: boolean): Promise<void> {
    if (drop) this.queue.length = 0;
    if (this.pending > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.client.close();
  }

  private pump(): void {
    while (this.inFlight < this.sockets && this.queue.length > 0) {
      const wanted = this.queue.shift() as Wanted;
      this.inFlight++;
      this.fetchedUpTo = Math.max(this.fetchedUpTo, wanted.position + 1);
      getPicture(this.client, wanted.link).then(({ reply, doneAt }) => {
        this.inFlight--;
        this.check(wanted, reply, doneAt);
        this.pump();
        if (this.pending === 0) this.idle?.();
      });
    }
  }

  private check(wanted: Wanted, reply: HttpReply, at: number): void {
    const { view } = wanted.link;
    const problem =
      pngProblem(reply) ??
      (mayBeCached(view) ? "the bot's cache could still hold it: not a fresh render (a larger --pool?)" : undefined);
    if (problem) {
      this.problems.add(`${wanted.who}'s picture: ${problem}`);
      return;
    }
    const bytes = (reply as { body: string }).body.length;
    drawn.push({ view, bytes });
    this.bytes += bytes;
    this.onPng(wanted, at);
  }
}

/** Every pool person's picture once, `sockets` at a time; the pool's PNG bytes. */
async function pool(order: Extract<ImagesOrder, { type: "pool" }>): Promise<PoolResult> {
  const problems = new Problems();
  const commands = new KeepAliveClient(bot.hostname, bot.port, order.sockets, timeoutMs);
  let pictures = 0;
  const proxy = new ImageProxy(order.sockets, problems, () => pictures++);
  const end = cursor + fixtures.pool.length;
  const asker = async () => {
    while (cursor < end) {
      const { position, person } = nextOfPool();
      const { reply, doneAt } = await command(commands, "progress", person);
      const link = pictureAnswer(reply, person, fixtures.publicUrl);
      if (typeof link === "string") problems.add(`progress from ${person.userId}: ${link}`);
      else proxy.want({ link, position, who: person.userId, answeredAt: doneAt });
    }
  };
  await Promise.all(Array.from({ length: order.sockets }, asker));
  await proxy.settle(false);
  commands.close();
  cursor = proxy.fetchedUpTo;
  return { type: "pool", pictures, bytes: proxy.bytes, errors: problems.errors, firstErrors: problems.firstErrors };
}

/** Closed loop over one window: see the file comment. */
async function round(order: Extract<ImagesOrder, { type: "round" }>): Promise<RoundResult> {
  const problems = new Problems();
  const commands = new KeepAliveClient(bot.hostname, bot.port, order.connections, timeoutMs);
  const toPng: number[] = [];
  const views = new Set<string>();
  let queued = 0;
  const proxy = new ImageProxy(order.sockets, problems, (wanted, at) => {
    if (views.has(wanted.link.view))
      problems.add(`${wanted.who}'s picture fetched twice in a round (a larger --pool?)`);
    views.add(wanted.link.view);
    if (measured.contains(at)) toPng.push(at - wanted.answeredAt);
  });
  // The window's edges on timers, so the parent can read the bot's CPU over the same span.
  const measured = new MeasuredWindow(order.warmupSeconds, order.seconds, () => {
    queued = proxy.pending;
  });
  let answered = 0;
  let asked = 0;
  let sent = 0;
  let stageSent = 0;
  const askStage = async () => {
    const person = fixtures.stage[stageSent++ % fixtures.stage.length] as Expected;
    const { reply, doneAt } = await command(commands, "stage 17", person);
    const problem = exactProblem(reply, person.body);
    if (problem) problems.add(`stage 17 from ${person.userId}: ${problem}`);
    if (measured.contains(doneAt)) answered++;
  };
  const askPicture = async () => {
    const { position, person } = nextOfPool();
    const { reply, doneAt } = await command(commands, "progress", person);
    const link = pictureAnswer(reply, person, fixtures.publicUrl);
    if (measured.contains(doneAt)) answered++;
    if (typeof link === "string") return problems.add(`progress from ${person.userId}: ${link}`);
    if (measured.contains(doneAt)) asked++;
    // After the window, links are not fetched: the round is over for the proxy too.
    if (doneAt < measured.ends) proxy.want({ link, position, who: person.userId, answeredAt: doneAt });
  };
  let offSent = 0;
  // The same `progress` from a team with pictures off: the "none" mix differs from the other only by the pictures.
  const askTextProgress = async () => {
    const person = fixtures.off[offSent++ % fixtures.off.length] as Expected;
    const { reply, doneAt } = await command(commands, "progress", person);
    const problem = textOnlyProblem(reply, person.body);
    if (problem) problems.add(`progress from ${person.userId} (pictures off): ${problem}`);
    if (measured.contains(doneAt)) answered++;
  };
  const worker = async () => {
    while (performance.now() < measured.ends) {
      const k = sent++;
      await (k % 10 === 9 ? (order.pictures ? askPicture() : askTextProgress()) : askStage());
    }
  };
  await Promise.all(Array.from({ length: order.connections }, worker));
  measured.finish();
  commands.close();
  await proxy.settle(true);
  cursor = proxy.fetchedUpTo;
  return {
    type: "round",
    commands: answered,
    perSecond: answered / order.seconds,
    asked,
    delivered: toPng.length,
    toPngMedian: median(toPng),
    toPngP99: p99(toPng),
    queued,
    cpuShare: measured.cpuShare,
    errors: problems.errors,
    firstErrors: problems.firstErrors,
  };
}

/**
 * One request at a time, the two kinds in turn: a text-only `progress` from the team with pictures
 * off; a `progress` from a pool person whose picture was fetched just before, then its picture,
 * timed together, as that person waits for both. Its picture must be one the cache still holds.
 */
async function latency(order: Extract<ImagesOrder, { type: "latency" }>): Promise<LatencyResult> {
  const problems = new Problems();
  const commands = new KeepAliveClient(bot.hostname, bot.port, 1, timeoutMs);
  const images = new KeepAliveClient(bot.hostname, bot.port, 1, timeoutMs, "latin1");
  /** A pool person's `progress` and its picture: the picture's view, and the time for both; undefined on a problem. */
  const both = async (person: Expected) => {
    const { reply, sentAt } = await command(commands, "progress", person);
    const link = pictureAnswer(reply, person, fixtures.publicUrl);
    if (typeof link === "string") return problems.add(`progress from ${person.userId}: ${link}`);
    const png = await getPicture(images, link);
    const problem = pngProblem(png.reply);
    if (problem) return problems.add(`${person.userId}'s picture: ${problem}`);
    return { view: link.view, bytes: (png.reply as { body: string }).body.length, ms: png.doneAt - sentAt };
  };
  const cached = Array.from({ length: order.cached }, () => nextOfPool().person);
  for (const person of cached) {
    const first = await both(person);
    if (first && !mayBeCached(first.view)) drawn.push({ view: first.view, bytes: first.bytes });
  }
  const textMs: number[] = [];
  const cachedMs: number[] = [];
  for (let i = 0; i < order.samples; i++) {
    const off = fixtures.off[i % fixtures.off.length] as Expected;
    const text = await command(commands, "progress", off);
    const problem = textOnlyProblem(text.reply, off.body);
    if (problem) problems.add(`progress from ${off.userId} (pictures off): ${problem}`);
    textMs.push(text.doneAt - text.sentAt);
    const person = cached[i % cached.length] as Expected;
    const again = await both(person);
    if (again && !mayBeCached(again.view)) problems.add(`${person.userId}'s picture is no longer in the cache`);
    if (again) cachedMs.push(again.ms);
  }
  commands.close();
  images.close();
  return { type: "latency", textMs, cachedMs, errors: problems.errors, firstErrors: problems.firstErrors };
}

function setup(order: Extract<ImagesOrder, { type: "setup" }>): Promise<ImagesResult> {
  fixtures = order.fixtures;
  const url = new URL("/slack/events", fixtures.botUrl);
  bot = { hostname: url.hostname, port: Number(url.port), host: url.host, path: url.pathname };
  return Promise.resolve({ type: "setup" });
}

/** The parent's handle on this file run as a process of its own; `run` checks the result is the order's. */
export class ImagesLoad extends ForkedGenerator<ImagesOrder, ImagesResult> {
  constructor() {
    super(import.meta.filename);
  }

  async run<T extends ImagesOrder["type"]>(
    order: Extract<ImagesOrder, { type: T }>,
    onWindow?: (edge: "start" | "end") => void,
  ): Promise<Extract<ImagesResult, { type: T }>> {
    const result = await this.order(order, onWindow);
    if (result.type !== order.type) throw new Error(`the generator answered a ${order.type} with a ${result.type}`);
    return result as Extract<ImagesResult, { type: T }>;
  }
}

if (process.send) {
  serveOrders((order: ImagesOrder): Promise<ImagesResult> => {
    if (order.type === "setup") return setup(order);
    if (order.type === "pool") return pool(order);
    return order.type === "round" ? round(order) : latency(order);
  });
}
