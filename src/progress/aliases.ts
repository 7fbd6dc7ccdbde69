import type { Roadmap } from "../content/schema.ts";
import type { TopicRecord, UserProgress } from "./model.ts";

/** Only the rename table is needed, so callers holding a slimmer roadmap reference can pass it. */
export type RoadmapAliases = Pick<Roadmap, "topicAliases">;

/** The id a topic has now: an old id listed in some topic's `aliases` becomes that topic's id. */
export const canonicalTopicId = (roadmap: RoadmapAliases, id: string): string => roadmap.topicAliases.get(id) ?? id;

// Runs on every read, so results are kept per progress object: a caching store returns the same
// object until the next write, and weak keys let both go once nobody holds them.
const memo = new WeakMap<RoadmapAliases, WeakMap<UserProgress, UserProgress>>();

/** On a tie the record already under the current id stays: it was written with the new content. */
const isLater = (a: TopicRecord, b: TopicRecord): boolean => Date.parse(a.since) > Date.parse(b.since);

/**
 * Progress as the roadmap names topics now: records under an old id move to the current id (the
 * later `since` wins when both exist). Ids no topic has are kept as they are, so a topic that
 * returns gets its progress back; counts never see them since they walk `roadmap.topics`.
 */
export function withAliases(progress: UserProgress, roadmap: RoadmapAliases): UserProgress {
  if (roadmap.topicAliases.size === 0 || progress.topics.size === 0) return progress;
  let known = memo.get(roadmap);
  if (!known) {
    known = new WeakMap();
    memo.set(roadmap, known);
  }
  const cached = known.get(progress);
  if (cached) return cached;

  let topics: Map<string, TopicRecord> | undefined;
  for (const [id, record] of progress.topics) {
    const current = roadmap.topicAliases.get(id);
    if (current === undefined) continue;
    topics ??= new Map(progress.topics);
    topics.delete(id);
    const other = topics.get(current);
    if (!other || isLater(record, other)) topics.set(current, record);
  }
  const result: UserProgress = topics ? { topics } : progress;
  known.set(progress, result);
  return result;
}
