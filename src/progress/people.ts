import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Documents, Store } from "../store/store.ts";
import { UnitOfWork } from "../store/unit-of-work.ts";
import { boardPlaceSchema } from "./boards.ts";
import type { Person } from "./model.ts";

/** A channel someone used the bot in: its board ranks the people active there. */
export const channelRefSchema = z.object({ teamId: z.string().min(1), channelId: z.string().min(1) });
export type ChannelRef = z.infer<typeof channelRefSchema>;

/**
 * What the bot keeps about a person besides their progress. Everything here is theirs: `export`
 * hands it over and `forget-me` deletes it.
 */
export const profileSchema = z.object({
  /** The name shown on leaderboards, as the platform last gave it (never a mention). */
  name: z.string().max(200).optional(),
  visibility: z.enum(["public", "hidden"]).default("public"),
  /** Teams (workspaces, servers) they used the bot in: they appear on those teams' boards. */
  teams: z.array(z.string().min(1)).default([]),
  channels: z.array(channelRefSchema).default([]),
  /** Roadmaps they have progress on, so export and forget-me find every document. */
  roadmaps: z.array(z.string().min(1)).default([]),
  /** Their place on every board they are on, by board id. */
  places: z.record(z.string(), boardPlaceSchema).default({}),
  firstSeen: z.iso.datetime(),
});
export type Profile = z.infer<typeof profileSchema>;

export const newProfile = (now: Date): Profile => ({
  visibility: "public",
  teams: [],
  channels: [],
  roadmaps: [],
  places: {},
  firstSeen: now.toISOString(),
});

/** Profiles, one document per person. Writers hold the person's lock (see Standings). */
export class PeopleRepository {
  private readonly decoded = new WeakMap<object, Profile>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** The person's profile; read through `from` (a unit of work) to see what it has staged. */
  async get(person: Person, from: Documents = this.store): Promise<Profile | undefined> {
    const key = keys.person(person);
    const value = await from.get(key);
    if (value === undefined || value === null || typeof value !== "object") return undefined;
    const known = this.decoded.get(value);
    if (known) return known;
    const parsed = profileSchema.safeParse(value);
    if (!parsed.success) {
      this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt profile");
      return undefined;
    }
    this.decoded.set(value, parsed.data);
    return parsed.data;
  }

  /** Saves the profile, or stages it in a unit of work. */
  async save(person: Person, profile: Profile, to: Documents = this.store): Promise<void> {
    await to.set(keys.person(person), profile);
  }

  async delete(person: Person, to: Documents = this.store): Promise<void> {
    await to.delete(keys.person(person));
  }

  /** A unit of work over the people's store: every change to a person commits through one. */
  unit(): UnitOfWork {
    return new UnitOfWork(this.store);
  }

  /** Serializes everything that changes one person's progress, profile or board places. */
  withLock<T>(person: Person, fn: () => Promise<T>): Promise<T> {
    return this.store.withLock(keys.person(person), fn);
  }
}
