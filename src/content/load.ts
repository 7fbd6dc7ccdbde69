import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { z } from "zod";
import { type Roadmap, type RoadmapFile, roadmapSchema, type Stage, type Topic } from "./schema.ts";
import { defaultYamlCacheDir, YamlCache } from "./yaml-cache.ts";

export interface ContentProblem {
  file: string;
  /** Where in the file: "stage 3 (Artifact Management), topic 2 (amazon-ecr), level". */
  where: string;
  message: string;
}

export type LoadResult = { ok: true; roadmaps: Roadmap[] } | { ok: false; problems: ContentProblem[] };

export const formatProblem = (problem: ContentProblem): string =>
  `${problem.file}: ${problem.where ? `${problem.where}: ` : ""}${problem.message}`;

export class ContentError extends Error {
  override name = "ContentError";
  constructor(readonly problems: ContentProblem[]) {
    super(`Roadmap content is invalid:\n${problems.map(formatProblem).join("\n")}`);
  }
}

type Raw = Record<string, unknown> | undefined;
const asRecord = (value: unknown): Raw =>
  value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
const label = (value: unknown): string => (typeof value === "string" && value ? ` (${value})` : "");

/** Turns a zod path into words a content author can follow, using the raw file for names. */
function describePath(raw: unknown, issuePath: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (let i = 0; i < issuePath.length; i++) {
    const key = issuePath[i];
    const next = issuePath[i + 1];
    if ((key === "stages" || key === "topics") && typeof next === "number") {
      const list = asRecord(node)?.[key];
      const item = Array.isArray(list) ? list[next] : undefined;
      const noun = key === "stages" ? "stage" : "topic";
      const name = key === "stages" ? asRecord(item)?.title : asRecord(item)?.id;
      const number = key === "stages" ? (asRecord(item)?.number ?? next + 1) : next + 1;
      parts.push(`${noun} ${String(number)}${label(name)}`);
      node = item;
      i++;
      continue;
    }
    if (key === "aliases" && typeof next === "number") {
      const list = asRecord(node)?.[key];
      parts.push(`alias ${next + 1}${label(Array.isArray(list) ? list[next] : undefined)}`);
      break;
    }
    parts.push(String(key));
    node = asRecord(node)?.[String(key)];
  }
  return parts.join(", ");
}

function schemaProblems(file: string, raw: unknown, error: z.ZodError): ContentProblem[] {
  return error.issues.map((issue) => ({ file, where: describePath(raw, issue.path), message: issue.message }));
}

/** Checks what the schema cannot see: numbering, uniqueness across the whole roadmap. */
function crossCheck(file: string, roadmap: RoadmapFile): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const stageIds = new Set<string>();
  const topicIds = new Map<string, number>();
  roadmap.stages.forEach((stage, index) => {
    const where = `stage ${stage.number} (${stage.title})`;
    if (stage.number !== index + 1) {
      problems.push({
        file,
        where: `${where}, number`,
        message: `stages must be numbered 1, 2, 3… in order; expected ${index + 1}, found ${stage.number}`,
      });
    }
    if (stageIds.has(stage.id)) {
      problems.push({ file, where: `${where}, id`, message: `stage id "${stage.id}" is used twice` });
    }
    stageIds.add(stage.id);
    stage.topics.forEach((topic, topicIndex) => {
      const firstStage = topicIds.get(topic.id);
      if (firstStage !== undefined) {
        problems.push({
          file,
          where: `${where}, topic ${topicIndex + 1} (${topic.id}), id`,
          message: `topic id "${topic.id}" is already used in stage ${firstStage}; topic ids must be unique in a roadmap`,
        });
      }
      topicIds.set(topic.id, stage.number);
    });
  });
  problems.push(...aliasProblems(file, roadmap, topicIds));
  return problems;
}

/**
 * An alias must name an id no topic uses now (else progress would count twice) and only one
 * topic (else it is unclear whose progress it is). Needs every current id, so runs after them.
 */
function aliasProblems(file: string, roadmap: RoadmapFile, topicIds: ReadonlyMap<string, number>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const claimed = new Map<string, string>();
  for (const stage of roadmap.stages) {
    stage.topics.forEach((topic, topicIndex) => {
      const where = `stage ${stage.number} (${stage.title}), topic ${topicIndex + 1} (${topic.id}), aliases`;
      for (const alias of topic.aliases ?? []) {
        const owner = claimed.get(alias);
        const inStage = topicIds.get(alias);
        let message: string | undefined;
        if (alias === topic.id) {
          message = `alias "${alias}" is this topic's own id; list only ids the topic had before a rename`;
        } else if (inStage !== undefined) {
          message = `alias "${alias}" is the id of a topic in stage ${inStage}; an alias must be an old id that no topic uses now`;
        } else if (owner === topic.id) {
          message = `alias "${alias}" is listed twice`;
        } else if (owner !== undefined) {
          message = `alias "${alias}" is already an alias of topic "${owner}"; an old id can lead to only one topic`;
        }
        if (message) problems.push({ file, where, message });
        else claimed.set(alias, topic.id);
      }
    });
  }
  return problems;
}

/** Old id -> current id for every alias; call only after aliasProblems found none. */
const aliasMap = (topics: readonly Topic[]): Map<string, string> =>
  new Map(topics.flatMap((topic) => (topic.aliases ?? []).map((alias): [string, string] => [alias, topic.id])));

function build(file: string, data: RoadmapFile): Roadmap {
  const topics: Topic[] = [];
  const stages: Stage[] = data.stages.map((stage) => ({
    number: stage.number,
    id: stage.id,
    title: stage.title,
    summary: stage.summary,
    topics: stage.topics.map((topic, index) => {
      const built: Topic = { ...topic, stageNumber: stage.number, indexInStage: index + 1, order: topics.length };
      topics.push(built);
      return built;
    }),
  }));
  return {
    id: data.id,
    title: data.title,
    tagline: data.tagline,
    description: data.description,
    stages,
    topics,
    topicsById: new Map(topics.map((topic) => [topic.id, topic])),
    topicAliases: aliasMap(topics),
    file,
  };
}

/**
 * The YAML parser, loaded on first use: with the parse cached, a command that starts, answers and
 * exits never loads it. It is a CommonJS package, so require() keeps parseRoadmap synchronous.
 */
let yaml: typeof import("yaml") | undefined;
const yamlParser = (): typeof import("yaml") => {
  yaml ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yaml;
};

/** The YAML text as plain data, or what makes it invalid YAML. */
function parseYaml(file: string, source: string): { raw: unknown } | { problems: ContentProblem[] } {
  const document = yamlParser().parseDocument(source);
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => ({
        file,
        where: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : "",
        message: `not valid YAML: ${error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
      })),
    };
  }
  return { raw: document.toJS() };
}

type Parsed = { roadmap?: Roadmap; problems: ContentProblem[] };

/** Validates a roadmap file's parsed data and builds the roadmap from it. */
function checkRoadmap(file: string, raw: unknown): Parsed {
  const parsed = roadmapSchema.safeParse(raw);
  if (!parsed.success) return { problems: schemaProblems(file, raw, parsed.error) };
  const problems = crossCheck(file, parsed.data);
  if (problems.length > 0) return { problems };
  return { roadmap: build(file, parsed.data), problems: [] };
}

/** Parses one roadmap's YAML text; `file` only labels errors. */
export function parseRoadmap(file: string, source: string): Parsed {
  const yamlResult = parseYaml(file, source);
  return "problems" in yamlResult ? yamlResult : checkRoadmap(file, yamlResult.raw);
}

/** parseRoadmap, with the YAML parse taken from the cache when this exact text was parsed before. */
async function parseRoadmapCached(file: string, source: string, cache: YamlCache | undefined): Promise<Parsed> {
  const cached = await cache?.get(source);
  if (cached !== undefined) return checkRoadmap(file, cached);
  const yamlResult = parseYaml(file, source);
  if ("problems" in yamlResult) return yamlResult;
  await cache?.set(source, yamlResult.raw);
  return checkRoadmap(file, yamlResult.raw);
}

const isRoadmapFile = (name: string): boolean => /\.ya?ml$/i.test(name);

export interface LoadOptions {
  /** Words a roadmap id may not be (the command names), since `<roadmap-id> <command>` is grammar. */
  reservedIds?: readonly string[];
  /** Where parsed YAML is cached (see YamlCache); false parses every time. */
  yamlCacheDir?: string | false;
}

/** The roadmap files a path names: every `*.yaml` in a folder, in name order, or the one file given. */
async function listRoadmapFiles(target: string): Promise<{ files: string[] } | { problem: string }> {
  try {
    if ((await stat(target)).isFile()) return { files: [target] };
    const names = (await readdir(target)).filter(isRoadmapFile).sort();
    if (names.length === 0) return { problem: "no .yaml roadmap files in this folder" };
    return { files: names.map((name) => path.join(target, name)) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "folder not found" : `cannot be read (${code ?? String(error)})`;
    return { problem: `${reason}; set CONTENT_DIR to the folder of roadmap files` };
  }
}

/** Loads every `*.yaml` in a folder, in name order; reports every problem, not just the first. */
export async function loadContentDir(dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const listed = await listRoadmapFiles(dir);
  if ("problem" in listed) return { ok: false, problems: [{ file: dir, where: "", message: listed.problem }] };
  const { files } = listed;
  const cacheDir = options.yamlCacheDir ?? defaultYamlCacheDir;
  const cache = cacheDir === false ? undefined : new YamlCache(cacheDir);
  const roadmaps: Roadmap[] = [];
  const problems: ContentProblem[] = [];
  for (const file of files) {
    let source: string;
    try {
      source = await readFile(file, "utf8");
    } catch (error) {
      problems.push({
        file,
        where: "",
        message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      });
      continue;
    }
    const { roadmap, problems: fileProblems } = await parseRoadmapCached(file, source, cache);
    problems.push(...fileProblems);
    if (!roadmap) continue;
    if (options.reservedIds?.includes(roadmap.id)) {
      problems.push({ file, where: "id", message: `"${roadmap.id}" is a command name; pick another roadmap id` });
      continue;
    }
    const clash = roadmaps.find((other) => other.id === roadmap.id);
    if (clash) {
      problems.push({ file, where: "id", message: `roadmap id "${roadmap.id}" is already used by ${clash.file}` });
      continue;
    }
    roadmaps.push(roadmap);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, roadmaps };
}
