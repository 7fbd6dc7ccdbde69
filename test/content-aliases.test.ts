import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { formatProblem, loadContentDir } from "../src/content/load.ts";
import type { Roadmap } from "../src/content/schema.ts";
import { Core } from "../src/core/core.ts";
import { RoadmapLookup } from "../src/core/lookup.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { canonicalTopicId, withAliases } from "../src/progress/aliases.ts";
import type { TopicRecord, UserProgress } from "../src/progress/model.ts";
import { repositories } from "../src/repositories.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { ask, contentDir, fixedNow, shippedRoadmaps, textOf, withTempDir } from "./helpers.ts";

/** The shipped roadmap as an author would change it: one topic renamed (id and title), one removed. */
const oldId = "dora-metrics";
const newId = "delivery-kpis";
const removedId = "argocd-image-updater";

interface TopicYaml {
  id: string;
  title: string;
  aliases?: string[];
}
interface RoadmapYaml {
  stages: { topics: TopicYaml[] }[];
}

const topicsOf = (doc: RoadmapYaml): TopicYaml[] => doc.stages.flatMap((stage) => stage.topics);
const topicIn = (doc: RoadmapYaml, id: string): TopicYaml => {
  const topic = topicsOf(doc).find((t) => t.id === id);
  if (!topic) throw new Error(`no topic ${id} in content/`);
  return topic;
};

/** Loads a copy of content/release-engineer.yaml after `change` edits its parsed form. */
async function loadChanged(change: (doc: RoadmapYaml) => void) {
  const doc = parse(await readFile(path.join(contentDir, "release-engineer.yaml"), "utf8")) as RoadmapYaml;
  change(doc);
  return withTempDir(async (dir) => {
    await writeFile(path.join(dir, "release-engineer.yaml"), stringify(doc));
    return loadContentDir(dir);
  });
}

function renameAndRemove(doc: RoadmapYaml): void {
  Object.assign(topicIn(doc, oldId), { id: newId, title: "Delivery KPIs", aliases: [oldId] });
  for (const stage of doc.stages) stage.topics = stage.topics.filter((topic) => topic.id !== removedId);
}

async function problemsAfter(change: (doc: RoadmapYaml) => void): Promise<string[]> {
  const result = await loadChanged(change);
  return result.ok ? [] : result.problems.map((problem) => formatProblem({ ...problem, file: "x.yaml" }));
}

let original: Roadmap;
let changed: Roadmap;
beforeAll(async () => {
  const [shipped] = await shippedRoadmaps();
  const result = await loadChanged(renameAndRemove);
  if (!shipped || !result.ok) throw new Error(`changed content does not load: ${JSON.stringify(result)}`);
  original = shipped;
  [changed] = result.roadmaps as [Roadmap];
});

describe("aliases in roadmap files", () => {
  it("GIVEN the shipped content THEN it has no aliases", () => {
    expect(original.topicAliases.size).toBe(0);
  });

  it("GIVEN a renamed topic listing its old id THEN the roadmap maps old id to new id", () => {
    expect(changed.topics).toHaveLength(111);
    expect([...changed.topicAliases]).toEqual([[oldId, newId]]);
    expect(canonicalTopicId(changed, oldId)).toBe(newId);
    expect(canonicalTopicId(changed, "semantic-versioning")).toBe("semantic-versioning");
  });

  it("GIVEN an alias that is a current topic id THEN the problem names the topic and the clash", async () => {
    const problems = await problemsAfter((doc) => {
      topicIn(doc, "dora-metrics").aliases = ["semantic-versioning"];
    });
    expect(problems).toEqual([
      'x.yaml: stage 1 (Release Engineering Foundations), topic 4 (dora-metrics), aliases: alias "semantic-versioning" is the id of a topic in stage 2; an alias must be an old id that no topic uses now',
    ]);
  });

  it("GIVEN an alias equal to the topic's own id THEN it is reported", async () => {
    const problems = await problemsAfter((doc) => {
      topicIn(doc, "dora-metrics").aliases = ["dora-metrics"];
    });
    expect(problems).toEqual([
      `x.yaml: stage 1 (Release Engineering Foundations), topic 4 (dora-metrics), aliases: alias "dora-metrics" is this topic's own id; list only ids the topic had before a rename`,
    ]);
  });

  it("GIVEN one old id on two topics, or twice on one THEN each repeat is reported", async () => {
    const problems = await problemsAfter((doc) => {
      topicIn(doc, "dora-metrics").aliases = ["kpis", "kpis"];
      topicIn(doc, "semantic-versioning").aliases = ["kpis"];
    });
    expect(problems).toEqual([
      'x.yaml: stage 1 (Release Engineering Foundations), topic 4 (dora-metrics), aliases: alias "kpis" is listed twice',
      'x.yaml: stage 2 (Version Control Mastery), topic 2 (semantic-versioning), aliases: alias "kpis" is already an alias of topic "dora-metrics"; an old id can lead to only one topic',
    ]);
  });

  it("GIVEN an alias that is not a slug THEN the problem names the alias", async () => {
    const problems = await problemsAfter((doc) => {
      topicIn(doc, "dora-metrics").aliases = ["Old_Id"];
    });
    expect(problems).toEqual([
      "x.yaml: stage 1 (Release Engineering Foundations), topic 4 (dora-metrics), alias 1 (Old_Id): must be a lowercase slug such as argocd-architecture",
    ]);
  });
});

const record = (status: TopicRecord["status"], since: string): TopicRecord => ({ status, since });
const progressOf = (entries: [string, TopicRecord][]): UserProgress => ({ topics: new Map(entries) });

describe("withAliases", () => {
  it("GIVEN a done record under the old id THEN it moves to the new id; removed ids stay", () => {
    const done = record("done", "2026-03-01T09:00:00.000Z");
    const gone = record("done", "2026-03-01T09:30:00.000Z");
    const moved = withAliases(
      progressOf([
        [oldId, done],
        [removedId, gone],
      ]),
      changed,
    );
    expect([...moved.topics]).toEqual([
      [removedId, gone],
      [newId, done],
    ]);
  });

  it("GIVEN records under both ids THEN the later `since` wins, whichever id it is under", () => {
    const early = record("learning", "2026-03-01T09:00:00.000Z");
    const late = record("done", "2026-03-02T09:00:00.000Z");
    const oldWins = withAliases(
      progressOf([
        [oldId, late],
        [newId, early],
      ]),
      changed,
    );
    const newWins = withAliases(
      progressOf([
        [oldId, early],
        [newId, late],
      ]),
      changed,
    );
    expect([...oldWins.topics]).toEqual([[newId, late]]);
    expect([...newWins.topics]).toEqual([[newId, late]]);
  });

  it("GIVEN no aliases to apply THEN the same object comes back, and a repeat read is memoized", () => {
    const plain = progressOf([["semantic-versioning", record("done", "2026-03-01T09:00:00.000Z")]]);
    expect(withAliases(plain, original)).toBe(plain);
    expect(withAliases(plain, changed)).toBe(plain);
    const renamed = progressOf([[oldId, record("done", "2026-03-01T09:00:00.000Z")]]);
    expect(withAliases(renamed, changed)).toBe(withAliases(renamed, changed));
  });
});

describe("lookup by an old id", () => {
  it("GIVEN the old id THEN the renamed topic is found, however it is typed", () => {
    const lookup = new RoadmapLookup(changed);
    for (const query of [oldId, "DORA-Metrics", " dora metrics "]) expect(lookup.topic(query).id).toBe(newId);
  });

  it("GIVEN a removed topic's id THEN it is not found", () => {
    expect(() => new RoadmapLookup(changed).topic(removedId, "undo")).toThrow(/No topic matches/);
  });
});

const coreOn = (roadmap: Roadmap, store: Store) =>
  new Core({
    roadmaps: [roadmap],
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => fixedNow,
  });

describe("GIVEN progress made before the content changed", () => {
  let after: Core;
  beforeAll(async () => {
    const store = openMemoryStore(silentLogger);
    const before = coreOn(original, store);
    for (const text of [`done ${oldId}`, `done ${removedId}`]) expect((await ask(before, text)).outcome).toBe("ok");
    after = coreOn(changed, store);
  });

  const run = async (text: string): Promise<Reply> => {
    const reply = await ask(after, text);
    expect(reply.outcome, `${text}: ${textOf(reply)}`).not.toBe("internal-error");
    return reply;
  };

  it("THEN `progress` counts the renamed topic as done out of 111", async () => {
    const reply = await run("progress");
    expect(reply.blocks).toContainEqual({ type: "progress", label: "Overall", done: 1, total: 111 });
    expect(textOf(reply)).toContain("Required: 1/71 (1%)\nRecommended: 0/32 (0%)");
    expect(reply.blocks).toContainEqual({
      type: "progress",
      label: "17. ArgoCD",
      done: 0,
      total: 4,
    });
  });

  it("THEN `stage 1` and `topic <new id>` show it done", async () => {
    const stage = await run("stage 1");
    expect(stage.blocks).toContainEqual({ type: "progress", label: "Your progress", done: 1, total: 4 });
    expect(textOf(stage)).toContain(`[x] Delivery KPIs (${newId})`);
    expect(textOf(await run(`topic ${newId}`))).toContain("Your status: Done");
  });

  it("THEN `next` is a topic still to do", async () => {
    const reply = await run("next");
    expect(reply.outcome).toBe("ok");
    expect(textOf(reply)).not.toContain(newId);
  });

  it("THEN `done <old id>` finds the renamed topic, already done", async () => {
    const reply = await run(`done ${oldId}`);
    expect(reply.outcome).toBe("ok");
    expect(textOf(reply)).toContain("Delivery KPIs was already marked done; nothing changed. 1/111 done (1%)");
  });

  it("THEN `undo <removed id>` is a user error that says no topic matches", async () => {
    const reply = await run(`undo ${removedId}`);
    expect(reply.outcome).toBe("user-error");
    expect(textOf(reply)).toContain(`No topic matches “${removedId}”`);
  });
});
