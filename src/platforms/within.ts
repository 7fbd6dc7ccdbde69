/** A call of within() still waiting: linked in arrival order, which is deadline order for one `ms`. */
interface Waiter {
  deadline: number;
  expire: () => void;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * Every pending call for one `ms`, and one timer for the earliest deadline among them. A timer per
 * call, armed and then cleared almost at once, cost several microseconds per command at thousands
 * of commands a second; here a call links and unlinks a node, and the timer is armed again only
 * when it fires or when nothing was pending.
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
 * The answer if it is ready within `ms`, else undefined (the work goes on). Platforms use it to
 * reply directly when they can and acknowledge first when the store is slow. Nothing is left
 * pending once the work settles.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let deadlines = byMs.get(ms);
  if (!deadlines) {
    deadlines = new Deadlines(ms);
    byMs.set(ms, deadlines);
  }
  const waiting = deadlines;
  return new Promise<T | undefined>((resolve, reject) => {
    const waiter = waiting.add(() => resolve(undefined));
    work.then(
      (value) => {
        waiting.remove(waiter);
        resolve(value);
      },
      (error: unknown) => {
        waiting.remove(waiter);
        reject(error);
      },
    );
  });
}
