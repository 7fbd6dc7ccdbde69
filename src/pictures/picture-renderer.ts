import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.ts";
import type { RenderRequest, RenderResponse } from "./render-process.ts";
import { templatesVersion } from "./templates-version.ts";
import type { PictureView } from "./views.ts";

/** A drawn picture, with the font families it needed (tests check that no script went without). */
export interface Picture {
  png: Buffer;
  fonts: string[];
}

/** Enough for a few hundred recent pictures (a 1200x675 card is 20 to 60 KB). */
export const defaultCacheBytes = 16 * 1024 * 1024;

/** The cache key of a view: the same view and templates give the same picture. */
export const pictureKey = (view: PictureView): string =>
  createHash("sha256").update(templatesVersion).update("\0").update(JSON.stringify(view)).digest("base64url");

/**
 * The render process: dist/render-process.mjs next to the bundle (see scripts/build.js), or, run
 * from source (tests, tsx), render-process.ts through tsx's loader. A process of its own, not a
 * worker thread: all of its threads, V8's helpers included, can run at the lowest priority (see
 * render-process.ts); a crash in the native rasteriser ends it, not the bot; and its memory stays
 * flat (210 to 250 MB over 1,000 maps drawn without a pause, where a worker thread grew the bot by
 * about 4 MB a picture that no garbage collector saw).
 */
function startProcess(): ChildProcess {
  // Loaded only when a picture is drawn: every one-shot `ask` would otherwise pay for it at start.
  const { fork } = process.getBuiltinModule("node:child_process");
  // A small heap: drawing keeps little between pictures, and a bounded heap is collected early.
  const execArgv = ["--max-old-space-size=128"];
  const fromSource = import.meta.url.endsWith(".ts");
  if (fromSource) execArgv.push("--import", import.meta.resolve("tsx"));
  const script = new URL(fromSource ? "./render-process.ts" : "./render-process.mjs", import.meta.url);
  // Pictures travel as V8-serialised bytes, not JSON: a PNG is copied once, never base64'd.
  return fork(fileURLToPath(script), [], {
    execArgv,
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/**
 * How long the render process stays after its last picture. A drawing process holds about 230 MB
 * (Node, satori, resvg, the fonts, its heap): a bot whose teams rarely ask for pictures should not
 * carry that all day, and the first picture after a pause waits a second or two for a new one.
 */
export const defaultIdleMs = 5 * 60_000;

/** The render process, and the pictures it still owes. */
interface Drawer {
  child: ChildProcess;
  pending: Set<number>;
}

/**
 * Draws pictures in a render process, never on the thread answering commands, and keeps the
 * PNGs in a cache bounded by bytes, least recently used out first; the same view asked twice at
 * once is drawn once. The process starts on the first picture, stops after `idleMs` without one,
 * and is replaced if it dies.
 */
export class PictureRenderer {
  private current: Drawer | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (picture: Picture) => void; reject: (error: Error) => void }>();
  private readonly cache = new Map<string, Picture>();
  private cachedBytes = 0;
  private readonly drawing = new Map<string, Promise<Picture>>();
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly cacheBytes = defaultCacheBytes,
    private readonly idleMs = defaultIdleMs,
  ) {}

  /** The picture of a view, from the cache or drawn now. */
  render(view: PictureView): Promise<Picture> {
    const key = pictureKey(view);
    const cached = this.cache.get(key);
    if (cached) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return Promise.resolve(cached);
    }
    const under = this.drawing.get(key);
    if (under) return under;
    const drawn = this.draw(view).then(
      (picture) => {
        this.drawing.delete(key);
        this.remember(key, picture);
        return picture;
      },
      (error: unknown) => {
        this.drawing.delete(key);
        throw error;
      },
    );
    this.drawing.set(key, drawn);
    return drawn;
  }

  /**
   * Starts drawing a view whose link was just handed to Slack, when the render process has nothing
   * else to do. Slack fetches an image block's URL as the message is posted (a slow fetch can cost
   * the image, or the message), so a picture drawn or under way by then is there in time. Skipped
   * while the process is busy: a burst of answers queues no more than Slack's fetches would.
   */
  prefetch(view: PictureView): void {
    if (this.owed > 0) return;
    this.render(view).catch((error: unknown) =>
      // Slack's fetch asks again, and that failure is the one logged as a warning.
      this.logger.debug({ err: error, picture: view.kind }, "could not draw a picture ahead of its fetch"),
    );
  }

  /**
   * Starts the render process and draws one small picture, so the first person to ask for one waits for
   * their picture, not for a process to start and satori, resvg and the fonts to load (about a
   * second). Never rejects: a failure shows again, logged, on the first real picture.
   */
  async warm(): Promise<void> {
    const week = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((label) => ({ label, done: 0 }));
    await this.draw({ kind: "weekly-chart", title: "warm-up", days: week, lastWeekTotal: 0 }).catch(() => undefined);
  }

  /** Pictures in the cache, and their bytes. */
  get cached(): { pictures: number; bytes: number } {
    return { pictures: this.cache.size, bytes: this.cachedBytes };
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    const current = this.current;
    this.current = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(new Error("the picture renderer was closed"));
    this.waiting.clear();
    if (current) await stop(current.child);
  }

  private remember(key: string, picture: Picture): void {
    if (picture.png.byteLength > this.cacheBytes) return;
    this.cache.set(key, picture);
    this.cachedBytes += picture.png.byteLength;
    for (const [oldKey, old] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes) break;
      this.cache.delete(oldKey);
      this.cachedBytes -= old.png.byteLength;
    }
  }

  private draw(view: PictureView): Promise<Picture> {
    clearTimeout(this.idle);
    const current = this.started();
    const id = this.nextId++;
    return new Promise<Picture>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      current.pending.add(id);
      // Alive while it has work, so a one-shot `ask --image` waits for its picture.
      keepAlive(current.child, true);
      current.child.send({ id, view } satisfies RenderRequest);
    });
  }

  private started(): Drawer {
    if (this.current) return this.current;
    const current: Drawer = { child: startProcess(), pending: new Set() };
    const { child } = current;
    child.on("message", (response: RenderResponse) => {
      const waiter = this.waiting.get(response.id);
      this.waiting.delete(response.id);
      current.pending.delete(response.id);
      if (current.pending.size === 0) {
        keepAlive(child, false);
        this.idle = setTimeout(() => this.retire(current), this.idleMs).unref();
      }
      if (!waiter) return;
      if ("error" in response) waiter.reject(new Error(`could not draw the picture: ${response.error}`));
      else
        waiter.resolve({
          png: Buffer.from(response.png.buffer, response.png.byteOffset, response.png.byteLength),
          fonts: response.fonts,
        });
    });
    // A process that dies (a crash in the native rasteriser, the OOM killer) fails the pictures it
    // owed, and the next picture starts another.
    const failAll = (error: Error) => {
      if (this.current === current) this.current = undefined;
      for (const id of current.pending) {
        this.waiting.get(id)?.reject(error);
        this.waiting.delete(id);
      }
      current.pending.clear();
    };
    child.on("error", (error) => {
      this.logger.error({ err: error }, "picture process failed; the next picture starts another");
      failAll(error);
    });
    child.on("exit", (code, signal) => {
      failAll(new Error(`the picture process stopped (${signal ?? `exit code ${code}`})`));
    });
    this.current = current;
    return current;
  }

  /** Stops an idle process, giving its memory back; the next picture starts another. */
  private retire(current: Drawer): void {
    if (this.current !== current || current.pending.size > 0) return;
    this.current = undefined;
    void stop(current.child);
  }

  /** Whether a render process is taking new pictures (tests: it stops when idle). */
  get running(): boolean {
    return this.current !== undefined;
  }

  /** Pictures the render process still owes (tests: a prefetch while it is busy is skipped). */
  get owed(): number {
    return this.current?.pending.size ?? 0;
  }

  /** The render process's pid, while one runs (tests: a crash in it). */
  get processId(): number | undefined {
    return this.current?.child.pid;
  }
}

/** Whether a child keeps this process alive: its handle and its message channel both would. */
function keepAlive(child: ChildProcess, alive: boolean): void {
  if (alive) {
    child.ref();
    child.channel?.ref();
  } else {
    child.unref();
    child.channel?.unref();
  }
}

/** Ends a render process and waits until it has gone. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill();
  return gone;
}
