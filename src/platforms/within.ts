/** A deadline not yet met nor cancelled: linked in arrival order, which is deadline order for one `ms`. */
interface Waiter {
  deadline: number;
  expire: () => void;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * Every pending deadline for one `ms`, and one timer for the earliest among them. A timer per
 * command, armed and then cleared almost at once, cost several microseconds per command at
 * thousands of commands a second; here a command links and unlinks a node, and the timer is armed
 * again only when it fires or when nothing was pending.
 */
class Deadlines {
  private head: Waiter | undefined;
  private tail: Waiter | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ms: number) {}

  add(expire: () => void): Waiter {
    const waiter: Waiter = { deadline: performance.now() + this.ms, expire, prev: this.tail, next: undefined };
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.timer ??= setTimeout(this.fire, this.ms);
    return waiter;
  }

  remove(waiter: Waiter): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else if (this.head === waiter) this.head = waiter.next;
    else return; // already gone
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    // Nothing pending, nothing to wake up for (and nothing keeping a stopping process alive).
    if (!this.head) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.head && this.head.deadline <= now) {
      const due = this.head;
      this.remove(due);
      due.expire();
    }
    if (this.head) this.timer = setTimeout(this.fire, this.head.deadline - now);
  };
}

const byMs = new Map<number, Deadlines>();

/**
 * Calls `expire` once `ms` have passed, unless the returned function is called first. Every call
 * with the same `ms` shares one timer.
 */
export function deadline(ms: number, expire: () => void): () => void {
  let deadlines = byMs.get(ms);
  if (!deadlines) {
    deadlines = new Deadlines(ms);
    byMs.set(ms, deadlines);
  }
  const waiting = deadlines;
  const waiter = waiting.add(expire);
  return () => waiting.remove(waiter);
}

/**
 * The answer if it is ready within `ms`, else undefined (the work goes on). Platforms use it to
 * reply directly when they can and acknowledge first when the store is slow. Nothing is left
 * pending once the work settles.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const cancel = deadline(ms, () => resolve(undefined));
    work.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}
