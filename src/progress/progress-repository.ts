import type { Roadmap } from "../content/schema.ts";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Documents, Store } from "../store/store.ts";
import { UnitOfWork } from "../store/unit-of-work.ts";
import { withAliases } from "./aliases.ts";
import {
  emptyProgress,
  type Person,
  storedProgressSchema,
  type TopicRecord,
  type TopicStatus,
  topicRecordSchema,
  type UserProgress,
} from "./model.ts";

/**
 * The roadmap a document belongs to. With its rename table, records under old topic ids read as
 * the topic's id now; with the id alone (export), the document reads exactly as stored.
 */
export type RoadmapRef = Pick<Roadmap, "id"> & Partial<Pick<Roadmap, "topicAliases">>;

const readAs = (progress: UserProgress, roadmap: RoadmapRef): UserProgress =>
  roadmap.topicAliases ? withAliases(progress, { topicAliases: roadmap.topicAliases }) : progress;

export interface StatusChange {
  previous: TopicRecord | undefined;
  current: TopicRecord | undefined;
  /** The person's progress after the change. */
  progress: UserProgress;
}

/** Per-person progress on one roadmap: one document per person, written under a per-person lock. */
export class ProgressRepository {
  /**
   * Decoded documents by identity: a caching store hands back the same frozen object until the
   * next write, so validation runs once per write instead of once per read.
   */
  private readonly decoded = new WeakMap<object, UserProgress>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async load(roadmap: RoadmapRef, person: Person): Promise<UserProgress> {
    const key = keys.progress(roadmap.id, person);
    return readAs(this.decode(key, await this.store.get(key)), roadmap);
  }

  /**
   * Sets (or with `null` clears) one topic's status; a no-op change writes nothing. Takes the
   * person's lock, the one every change to a person is made under.
   */
  setStatus(
    roadmap: RoadmapRef,
    person: Person,
    topicId: string,
    status: TopicStatus | null,
    now: Date,
  ): Promise<StatusChange> {
    return this.store.withLock(keys.person(person), async () => {
      const unit = new UnitOfWork(this.store);
      const change = await this.applyStatus(roadmap, person, topicId, status, now, unit);
      await unit.commit();
      return change;
    });
  }

  /**
   * setStatus staged in a unit of work, for a caller that already holds the person's lock and
   * commits the unit with the rest of the change (Standings.change: the boards and the profile).
   */
  async applyStatus(
    roadmap: RoadmapRef,
    person: Person,
    topicId: string,
    status: TopicStatus | null,
    now: Date,
    unit: UnitOfWork,
  ): Promise<StatusChange> {
    const key = keys.progress(roadmap.id, person);
    // Written back under the current ids, so a renamed topic's record moves on its next change.
    const before = readAs(this.decode(key, await unit.get(key)), roadmap);
    const previous = before.topics.get(topicId);
    if ((previous?.status ?? null) === status) return { previous, current: previous, progress: before };
    const current = status === null ? undefined : { status, since: now.toISOString() };
    const topics = new Map(before.topics);
    if (current) topics.set(topicId, current);
    else topics.delete(topicId);
    const document = { topics: Object.fromEntries(topics) };
    await unit.set(key, document);
    const progress: UserProgress = { topics };
    // The unit, then a caching store, hand this same (frozen) document back on the next read: no need to validate it again.
    if (Object.isFrozen(document)) this.decoded.set(document, progress);
    return { previous, current, progress };
  }

  /** Deletes a person's progress on one roadmap (forget-me), or stages that in a unit. */
  async delete(roadmapId: string, person: Person, unit: Documents = this.store): Promise<void> {
    await unit.delete(keys.progress(roadmapId, person));
  }

  /** Stored data is checked entry by entry: a corrupt entry is reported and skipped, never fatal. */
  private decode(key: string, value: unknown): UserProgress {
    if (value === undefined) return emptyProgress;
    const known = typeof value === "object" && value !== null ? this.decoded.get(value) : undefined;
    if (known) return known;
    const progress = this.validate(key, value);
    if (typeof value === "object" && value !== null && Object.isFrozen(value)) this.decoded.set(value, progress);
    return progress;
  }

  private validate(key: string, value: unknown): UserProgress {
    const stored = storedProgressSchema.safeParse(value);
    if (!stored.success) {
      this.logger.warn({ key, issues: stored.error.issues }, "ignoring corrupt progress document");
      return emptyProgress;
    }
    const topics = new Map<string, TopicRecord>();
    for (const [topicId, entry] of Object.entries(stored.data.topics)) {
      const record = topicRecordSchema.safeParse(entry);
      if (record.success) topics.set(topicId, record.data);
      else this.logger.warn({ key, topicId, issues: record.error.issues }, "ignoring corrupt progress entry");
    }
    return { topics };
  }
}
