import { StoreError } from "./store.ts";

/**
 * A network store's operation that has not answered within this many ms has failed: commands
 * then still answer inside the platforms' 3 seconds, saying the store is unavailable.
 */
export const networkTimeoutMs = 2_000;

interface Pending {
  deadline: number;
  fail: () => void;
}

/**
 * The operations waiting under one timeout. With one timeout for all, the order they started in
 * is the order their deadlines fall in, so one timer, set for the oldest, serves them all: a crowd
 * of a thousand commands costs no thousand timers set and cleared.
 */
class Deadlines {
  /** In the order they started (a Set keeps insertion order and deletes in O(1)). */
  private readonly pending = new Set<Pending>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  add(fail: () => void): Pending {
    const entry = { deadline: performance.now() + this.ms, fail };
    this.pending.add(entry);
    this.timer ??= setTimeout(() => this.expire(), this.ms);
    return entry;
  }

  settle(entry: Pending): void {
    this.pending.delete(entry);
    if (this.pending.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    for (const entry of this.pending) {
      if (entry.deadline > now) {
        this.timer = setTimeout(() => this.expire(), Math.max(entry.deadline - now, 1));
        return;
      }
      this.pending.delete(entry);
      entry.fail();
    }
  }
}

const deadlinesByMs = new Map<number, Deadlines>();

/**
 * The promise's outcome, or a StoreError with `message` once `ms` (at least 1) have passed; a late
 * answer is then ignored. Network stores need it: node-redis holds commands while it reconnects.
 * The message may be given as a function, made only when the time is up.
 */
export function bounded<T>(promise: Promise<T>, ms: number, message: string | (() => string)): Promise<T> {
  const limit = Math.max(ms, 1);
  let deadlines = deadlinesByMs.get(limit);
  if (!deadlines) {
    deadlines = new Deadlines(limit);
    deadlinesByMs.set(limit, deadlines);
  }
  const waiting = deadlines;
  return new Promise<T>((resolve, reject) => {
    let over = false;
    const entry = waiting.add(() => {
      over = true;
      reject(new StoreError(typeof message === "string" ? message : message()));
    });
    promise.then(
      (value) => {
        if (over) return;
        waiting.settle(entry);
        resolve(value);
      },
      (error: unknown) => {
        if (over) return;
        waiting.settle(entry);
        reject(error);
      },
    );
  });
}
