import { createHash } from "node:crypto";
import type { Worker } from "node:worker_threads";
import type { Logger } from "../logger.ts";
import type { RenderRequest, RenderResponse } from "./render-worker.ts";
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
 * The worker: dist/render-worker.mjs next to the bundle (see scripts/build.js), or, run from
 * source (tests, tsx), render-worker.ts loaded through tsx, which a worker does not inherit.
 */
function startWorker(): Worker {
  // Loaded only when a picture is drawn: every one-shot `ask` would otherwise pay for it at start.
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  // A small heap: drawing keeps little between pictures, and a bounded heap is collected early
  // rather than growing by megabytes per picture under a steady stream of them.
  const resourceLimits = { maxOldGenerationSizeMb: 128 };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./render-worker.mjs", import.meta.url), { resourceLimits });
  const tsx = import.meta.resolve("tsx/esm/api");
  const source = new URL("./render-worker.ts", import.meta.url).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(import.meta.url)}))`,
    { eval: true, resourceLimits },
  );
}

/**
 * How long the worker stays after its last picture. A drawing worker holds about 90 MB (satori,
 * resvg, the fonts, its own heap): a bot whose teams rarely ask for pictures should not carry
 * that all day, and the first picture after a pause waits a second or two for a new one.
 */
export const defaultIdleMs = 5 * 60_000;

/** Pictures one worker draws before a fresh one takes over (see draw()). */
export const defaultRecycleAfter = 30;

/** A render worker, the pictures it still owes, and how many it was given. */
interface DrawingWorker {
  worker: Worker;
  pending: Set<number>;
  drawn: number;
}

/**
 * Draws pictures on one worker thread, never on the thread answering commands, and keeps the
 * PNGs in a cache bounded by bytes, least recently used out first; the same view asked twice at
 * once is drawn once. The worker starts on the first picture, stops after `idleMs` without one,
 * and is replaced if it dies.
 */
export class PictureRenderer {
  private current: DrawingWorker | undefined;
  /** Every worker still running: the current one, and any finishing its last pictures. */
  private readonly live = new Set<DrawingWorker>();
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
    private readonly recycleAfter = defaultRecycleAfter,
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
   * Starts the worker and draws one small picture, so the first person to ask for one waits for
   * their picture, not for a thread to start and satori, resvg and the fonts to load (about a
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
    const workers = [...this.live].map((one) => one.worker);
    this.current = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(new Error("the picture renderer was closed"));
    this.waiting.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
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
      current.drawn++;
      // Alive while it has work, so a one-shot `ask --image` waits for its picture.
      current.worker.ref();
      current.worker.postMessage({ id, view } satisfies RenderRequest);
      // Drawing without a pause, a worker keeps about 4 MB of native memory per picture that its
      // garbage collector does not see (1.8 GB after 400 maps asked four at a time; one at a time,
      // with pauses, it stays near 250 MB). So it draws a bounded number, then a fresh one takes
      // the next pictures while it finishes its own and goes, giving all of it back.
      if (current.drawn >= this.recycleAfter) this.current = undefined;
    });
  }

  private started(): DrawingWorker {
    if (this.current) return this.current;
    const current: DrawingWorker = { worker: startWorker(), pending: new Set(), drawn: 0 };
    const { worker } = current;
    worker.on("message", (response: RenderResponse) => {
      const waiter = this.waiting.get(response.id);
      this.waiting.delete(response.id);
      current.pending.delete(response.id);
      if (current.pending.size === 0) {
        worker.unref();
        if (this.current !== current) void worker.terminate();
        else this.idle = setTimeout(() => this.retire(current), this.idleMs).unref();
      }
      if (!waiter) return;
      if ("error" in response) waiter.reject(new Error(`could not draw the picture: ${response.error}`));
      else
        waiter.resolve({
          png: Buffer.from(response.png.buffer, response.png.byteOffset, response.png.byteLength),
          fonts: response.fonts,
        });
    });
    // A worker that dies fails its own pictures only; another one may already be drawing the next.
    const failAll = (error: Error) => {
      if (this.current === current) this.current = undefined;
      for (const id of current.pending) {
        this.waiting.get(id)?.reject(error);
        this.waiting.delete(id);
      }
      current.pending.clear();
    };
    worker.on("error", (error) => {
      this.logger.error({ err: error }, "picture worker failed; the next picture starts another");
      failAll(error);
    });
    worker.on("exit", (code) => {
      this.live.delete(current);
      failAll(new Error(`the picture worker stopped (exit code ${code})`));
    });
    this.live.add(current);
    this.current = current;
    return current;
  }

  /** Stops an idle worker, giving its memory back; the next picture starts another. */
  private retire(current: DrawingWorker): void {
    if (this.current !== current || current.pending.size > 0) return;
    this.current = undefined;
    void current.worker.terminate();
  }

  /** Whether a worker is taking new pictures (tests: it stops when idle). */
  get running(): boolean {
    return this.current !== undefined;
  }
}
