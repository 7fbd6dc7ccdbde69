import { z } from "zod";
import type { Logger } from "../core/logger.ts";
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
});
export type LedgerEntry = z.infer<typeof entrySchema>;

export type Claim =
  | { kind: "claimed" }
  | { kind: "already-posted"; entry: LedgerEntry }
  | { kind: "taken"; entry: LedgerEntry };

/**
 * One entry per subscription and local date, written under the store's lock (across processes on
 * Redis): the first instance to claim a slot posts it, the others see it taken. A claim whose
 * instance died before posting goes stale and may be claimed again, so a crash mid fan-out is
 * finished later; a posted entry is final, so nothing is ever posted twice by the ledger's doing.
 */
export class PostLedger {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    /** How long a claim without a result blocks other instances. */
    private readonly staleAfterMs = 10 * 60_000,
  ) {}

  async claim(subscriptionId: string, localDate: string, instance: string, now: Date): Promise<Claim> {
    const key = keys.postLedger(subscriptionId, localDate);
    return this.store.withLock(key, async () => {
      const entry = this.decode(key, await this.store.get(key));
      if (entry?.state === "posted") return { kind: "already-posted", entry };
      const fresh = entry?.state === "claimed" && now.getTime() - Date.parse(entry.at) < this.staleAfterMs;
      if (entry && fresh && entry.by !== instance) return { kind: "taken", entry };
      await this.store.set(key, { state: "claimed", by: instance, at: now.toISOString() } satisfies LedgerEntry);
      return { kind: "claimed" };
    });
  }

  async posted(subscriptionId: string, localDate: string, instance: string, ref: string, now: Date): Promise<void> {
    await this.write(subscriptionId, localDate, { state: "posted", by: instance, at: now.toISOString(), ref });
  }

  async failed(subscriptionId: string, localDate: string, instance: string, error: string, now: Date): Promise<void> {
    await this.write(subscriptionId, localDate, { state: "failed", by: instance, at: now.toISOString(), error });
  }

  async entry(subscriptionId: string, localDate: string): Promise<LedgerEntry | undefined> {
    const key = keys.postLedger(subscriptionId, localDate);
    return this.decode(key, await this.store.get(key));
  }

  private async write(subscriptionId: string, localDate: string, entry: LedgerEntry): Promise<void> {
    const key = keys.postLedger(subscriptionId, localDate);
    await this.store.withLock(key, () => this.store.set(key, entry));
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
