import type { Roadmap } from "../content/schema.ts";
import type { Person } from "../progress/model.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { RoadmapLookup } from "./lookup.ts";
import type { Reply } from "./reply.ts";

/** The person asking and where from; every platform fills this from its own payload. */
export interface Who extends Person {
  displayName?: string;
  teamId?: string;
  channelId?: string;
}

/**
 * A command's one argument, described once: the text parser, help and (later) the Discord
 * option builder all read it. `kind` says what the text names.
 */
export interface ArgumentSpec {
  name: string;
  description: string;
  required: boolean;
  kind: "stage" | "topic" | "text";
  /** Shown in help and in "needs an argument" errors. */
  example: string;
}

export interface CommandContext {
  who: Who;
  roadmap: Roadmap;
  lookup: RoadmapLookup;
  roadmaps: readonly Roadmap[];
  commands: readonly Command[];
  progress: ProgressRepository;
  now: Date;
  /** The argument text, cleaned and trimmed ("" when none was given). */
  arg: string;
  /** The running command's name (not the alias typed), for hints that repeat it. */
  commandName: string;
}

export interface Command {
  name: string;
  /** Other words that run this command ("learning" for start). */
  aliases?: readonly string[];
  /** One line for help and Discord (at most 100 characters). */
  summary: string;
  argument?: ArgumentSpec;
  run(context: CommandContext): Promise<Reply>;
}
