import type { Logger } from "../logger.ts";

/**
 * Edits a posted message a little after the clicks that change it, once for all the clicks of
 * that moment: a channel quiz answered by 500 people becomes a few edits, not 500 (Slack allows
 * chat.update about once a second per channel, and Discord rate-limits edits too). Each edit
 * renders the message afresh, so it shows the latest count. Within one process: replicas each
 * edit after their own clicks, and whichever edits last shows the latest count either way.
 */
export class MessageRefresher {
  private readonly waiting = new Map<string, { timer: ReturnType<typeof setTimeout>; edit: () => Promise<void> }>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly delayMs = 1_500,
  ) {}

  /** Edits the message `key` after the delay, unless an edit of it is already waiting. */
  schedule(key: string, edit: () => Promise<void>): void {
    if (this.waiting.has(key)) return;
    const timer = setTimeout(() => this.run(key), this.delayMs);
    this.waiting.set(key, { timer, edit });
  }

  /** Makes the waiting edits now and waits for every edit in flight (at shutdown). */
  async flush(): Promise<void> {
    for (const key of [...this.waiting.keys()]) this.run(key);
    await Promise.all(this.running);
  }

  private run(key: string): void {
    const waiting = this.waiting.get(key);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting.delete(key);
    const run = waiting
      .edit()
      .catch((error: unknown) => this.logger.warn({ err: error, message: key }, "could not refresh a message"))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
