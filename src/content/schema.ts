import { z } from "zod";

/** Ids are lowercase slugs: they appear in keys, button values and commands, so keep them plain. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug such as argocd-architecture")
  .max(80, "must be at most 80 characters");

const text = (max: number) =>
  z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const levels = ["required", "recommended", "optional"] as const;
export const levelSchema = z.enum(levels, { message: `must be one of ${levels.join(", ")}` });
export type Level = z.infer<typeof levelSchema>;

export const topicSchema = z.strictObject({
  id: slugSchema,
  title: text(100),
  level: levelSchema,
  description: text(1000),
  /** Ids this topic had before a rename: progress stored under them counts for this topic. */
  aliases: z.array(slugSchema).optional(),
});

export const stageSchema = z.strictObject({
  number: z.number().int().positive(),
  id: slugSchema,
  title: text(100),
  summary: text(500),
  topics: z.array(topicSchema).min(1, "must list at least one topic"),
});

export const roadmapSchema = z.strictObject({
  id: slugSchema,
  title: text(100),
  tagline: text(500).optional(),
  description: text(2000).optional(),
  stages: z.array(stageSchema).min(1, "must list at least one stage"),
});

export type RoadmapFile = z.infer<typeof roadmapSchema>;
export type TopicFile = z.infer<typeof topicSchema>;

/** The loaded, cross-checked form the core works with: topics know their stage and position. */
export interface Topic extends TopicFile {
  stageNumber: number;
  /** 1-based position inside its stage. */
  indexInStage: number;
  /** 0-based position in the whole roadmap, the order `next` walks. */
  order: number;
}

export interface Stage {
  number: number;
  id: string;
  title: string;
  summary: string;
  topics: Topic[];
}

export interface Roadmap {
  id: string;
  title: string;
  tagline: string | undefined;
  description: string | undefined;
  stages: Stage[];
  topics: Topic[];
  topicsById: ReadonlyMap<string, Topic>;
  /** Old topic id -> current topic id, from the topics' `aliases`; empty when nothing was renamed. */
  topicAliases: ReadonlyMap<string, string>;
  /** Where it was loaded from, for error messages. */
  file: string;
}
