import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";

const entrySchema = z.object({
  state: z.enum(["claimed", "posted", "failed"]),
  /** Which running instance took the slot. */
  by: z.string(),
  at: z.iso.datetime(),
  /** Where the post landed (a message id), once posted. */
  ref: z.string().optional(),
  error: z.string().optional(),
  /** A failure retrying cannot fix today (the bot was removed from the channel, say). */
  permanent: z.boolean().optional(),
  /** How many times the slot has been tried today. */
  attempts: z.number().int().min(0).optional(),
});
export type LedgerEntry = z.infer<typeof entrySchema>;

export type Claim =
  | { kind: "claimed" }
  | { kind: "already-posted"; entry: LedgerEntry }
  | { kind: "taken"; entry: LedgerEntry }
  /** Failed for good today, or tried too often: the next try is the next scheduled day. */
  | { kind: "given-up"; entry: LedgerEntry }
  /** Failed for a passing reason; tried again once the retry delay is over. */
  | { kind: "retry-later"; entry: LedgerEntry };

/**
 * One entry per subscription and local date, written under the store's lock (across processes on
 * Redis): the first instance to claim a slot posts it, the others see it taken. A claim whose
 * instance died before posting goes stale and may be claimed again, so a crash mid fan-out is
 * finished later; a posted entry is final, so nothing is ever posted twice by the ledger's doing.
 * A failed post is retried later the same day (every `retryAfterMs`, up to `maxAttempts` tries)
 * unless the failure was permanent.
 */
export class PostLedger {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    /** How long a claim without a result blocks other instances. */
    private readonly staleAfterMs = 10 * 60_000,
    private readonly retryAfterMs = 15 * 60_000,
    private readonly maxAttempts = 4,
  ) {}

  async claim(subscriptionId: string, localDate: string, instance: string, now: Date): Promise<Claim> {
    const key = keys.postLedger(subscriptionId, localDate);
    return this.store.withLock(key, async () => {
      const entry = this.decode(key, await this.store.get(key));
      if (entry?.state === "posted") return { kind: "already-posted", entry };
      const fresh = entry?.state === "claimed" && now.getTime() - Date.parse(entry.at) < this.staleAfterMs;
      if (entry && fresh && entry.by !== instance) return { kind: "taken", entry };
      const attempts = entry?.attempts ?? 0;
      if (entry?.state === "failed") {
        if (entry.permanent || attempts >= this.maxAttempts) return { kind: "given-up", entry };
        if (now.getTime() - Date.parse(entry.at) < this.retryAfterMs) return { kind: "retry-later", entry };
      }
      const claim: LedgerEntry = { state: "claimed", by: instance, at: now.toISOString(), attempts: attempts + 1 };
      await this.store.set(key, claim);
      return { kind: "claimed" };
    });
  }

  async posted(subscriptionId: string, localDate: string, instance: string, ref: string, now: Date): Promise<void> {
    await this.write(subscriptionId, localDate, (attempts) => ({
      state: "posted",
      by: instance,
      at: now.toISOString(),
      ref,
      attempts,
    }));
  }

  async failed(
    subscriptionId: string,
    localDate: string,
    instance: string,
    failure: { error: string; permanent: boolean },
    now: Date,
  ): Promise<void> {
    await this.write(subscriptionId, localDate, (attempts) => ({
      state: "failed",
      by: instance,
      at: now.toISOString(),
      error: failure.error,
      permanent: failure.permanent,
      attempts,
    }));
  }

  async entry(subscriptionId: string, localDate: string): Promise<LedgerEntry | undefined> {
    const key = keys.postLedger(subscriptionId, localDate);
    return this.decode(key, await this.store.get(key));
  }

  /** Writes the outcome of this instance's claim, keeping the count of tries. */
  private async write(subscriptionId: string, localDate: string, entry: (attempts: number) => LedgerEntry) {
    const key = keys.postLedger(subscriptionId, localDate);
    await this.store.withLock(key, async () => {
      const before = this.decode(key, await this.store.get(key));
      await this.store.set(key, entry(before?.attempts ?? 1));
    });
  }

  /** A corrupt entry is reported and read as absent: the slot may be claimed again. */
  private decode(key: string, value: unknown): LedgerEntry | undefined {
    if (value === undefined) return undefined;
    const parsed = entrySchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt ledger entry");
    return undefined;
  }
}
