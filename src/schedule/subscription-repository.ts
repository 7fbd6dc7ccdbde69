import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import {
  emptyState,
  type Subscription,
  type SubscriptionState,
  subscriptionSchema,
  subscriptionStateSchema,
} from "./subscription.ts";

const indexSchema = z.object({ entries: z.record(z.string(), z.unknown()) });

/**
 * Subscriptions live in one index document (keyv cannot list keys on every backend), written
 * under the store's lock so two commands never drop each other's change; each subscription's
 * state lives in its own document, written by whichever instance posted for it.
 */
export class SubscriptionRepository {
  /** Decoded indexes by identity: a caching store returns the same frozen document until it changes. */
  private readonly decoded = new WeakMap<object, ReadonlyMap<string, Subscription>>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Every subscription and reminder. Corrupt entries are reported and left out. */
  async all(): Promise<ReadonlyMap<string, Subscription>> {
    return this.decode(await this.store.get(keys.subscriptions()));
  }

  async get(id: string): Promise<Subscription | undefined> {
    return (await this.all()).get(id);
  }

  /** Adds or replaces subscriptions by id. */
  async put(...subscriptions: Subscription[]): Promise<void> {
    await this.change((entries) => {
      for (const subscription of subscriptions) entries.set(subscription.id, subscription);
    });
  }

  /** Removes a subscription; its state stays, so turning it on again continues where it was. */
  async remove(id: string): Promise<Subscription | undefined> {
    let removed: Subscription | undefined;
    await this.change((entries) => {
      removed = entries.get(id);
      entries.delete(id);
    });
    return removed;
  }

  /** Every trace of a person in the index (forget-me): their reminder goes, and channels they set up forget who did. */
  async forgetPerson(platform: string, userId: string): Promise<{ reminder?: Subscription; channels: number }> {
    const result: { reminder?: Subscription; channels: number } = { channels: 0 };
    await this.change((entries) => {
      for (const [id, subscription] of entries) {
        if (subscription.platform !== platform || subscription.userId !== userId) continue;
        if (subscription.kind === "reminder") {
          result.reminder = subscription;
          entries.delete(id);
        } else {
          const { userId: _owner, userName: _name, ...rest } = subscription;
          entries.set(id, rest);
          result.channels++;
        }
      }
    });
    return result;
  }

  async deleteState(id: string): Promise<void> {
    await this.store.delete(keys.subscriptionState(id));
  }

  /** Marks a subscription paused (it is skipped until turned on again); false when it is gone. */
  async pause(id: string, reason: string, at: Date): Promise<boolean> {
    const paused = await this.update(id, (subscription) => ({
      ...subscription,
      paused: { at: at.toISOString(), reason },
    }));
    return paused !== undefined;
  }

  /**
   * Pauses every subscription of one team (the bot was removed from it), channels and people's
   * reminders alike, in one change of the index; returns how many were paused now.
   */
  async pauseTeam(platform: string, teamId: string, reason: string, at: Date): Promise<number> {
    let paused = 0;
    await this.change((entries) => {
      for (const [id, subscription] of entries) {
        if (subscription.platform !== platform || subscription.teamId !== teamId || subscription.paused) continue;
        entries.set(id, { ...subscription, paused: { at: at.toISOString(), reason } });
        paused++;
      }
    });
    return paused;
  }

  /** Changes one subscription in the index, under its lock; undefined when it is gone. */
  async update(id: string, edit: (subscription: Subscription) => Subscription): Promise<Subscription | undefined> {
    let updated: Subscription | undefined;
    await this.change((entries) => {
      const subscription = entries.get(id);
      if (!subscription) return;
      updated = edit(subscription);
      entries.set(id, updated);
    });
    return updated;
  }

  async state(id: string): Promise<SubscriptionState> {
    const key = keys.subscriptionState(id);
    return this.decodeState(key, await this.store.get(key));
  }

  /** Changes a subscription's state under its lock; returns the new state. */
  async updateState(id: string, change: (state: SubscriptionState) => SubscriptionState): Promise<SubscriptionState> {
    const key = keys.subscriptionState(id);
    return this.store.withLock(key, async () => {
      const next = change(this.decodeState(key, await this.store.get(key)));
      await this.store.set(key, next);
      return next;
    });
  }

  private async change(edit: (entries: Map<string, Subscription>) => void): Promise<void> {
    const key = keys.subscriptions();
    await this.store.withLock(key, async () => {
      const entries = new Map(this.decode(await this.store.get(key)));
      edit(entries);
      await this.store.set(key, { entries: Object.fromEntries(entries) });
    });
  }

  private decode(value: unknown): ReadonlyMap<string, Subscription> {
    if (value === undefined) return new Map();
    const isObject = typeof value === "object" && value !== null;
    const known = isObject ? this.decoded.get(value) : undefined;
    if (known) return known;
    const entries = new Map<string, Subscription>();
    const index = indexSchema.safeParse(value);
    if (!index.success) {
      this.logger.error({ issues: index.error.issues }, "ignoring corrupt subscription index");
      return entries;
    }
    for (const [id, entry] of Object.entries(index.data.entries)) {
      const parsed = subscriptionSchema.safeParse(entry);
      if (parsed.success && parsed.data.id === id) entries.set(id, parsed.data);
      else this.logger.warn({ id, issues: parsed.error?.issues }, "ignoring corrupt subscription");
    }
    if (isObject && Object.isFrozen(value)) this.decoded.set(value, entries);
    return entries;
  }

  private decodeState(key: string, value: unknown): SubscriptionState {
    if (value === undefined) return emptyState;
    const parsed = subscriptionStateSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt subscription state");
    return emptyState;
  }
}
