import type { Roadmap, Stage, Topic } from "../content/schema.ts";
import { NameIndex, type Resolution, words } from "../content/search.ts";
import { quote, UserError } from "./errors.ts";

const listNames = (names: string[], max = 6): string =>
  names.length > max ? `${names.slice(0, max).join(", ")} and ${names.length - max} more` : names.join(", ");

/** Digits, signs, dots and exponents only: someone meant a number, even if not a whole one. */
const numberLike = /^[\d\s.,+\-e]+$/i;

/**
 * Finds stages and topics of one roadmap by number, id or name; misses become UserErrors with a
 * hint. Also spells commands for this roadmap, so buttons and hints on a second roadmap carry its id.
 */
export class RoadmapLookup {
  private readonly stageIndex: NameIndex<Stage>;
  private readonly topicIndex: NameIndex<Topic>;

  constructor(
    readonly roadmap: Roadmap,
    /** "" for the default roadmap, "onboarding " for another one. */
    private readonly commandPrefix = "",
  ) {
    this.stageIndex = new NameIndex(roadmap.stages, (stage) => ({
      id: stage.id,
      title: stage.title,
      extra: stage.summary,
    }));
    this.topicIndex = new NameIndex(roadmap.topics, (topic) => ({
      id: topic.id,
      title: topic.title,
      extra: `${topic.description} ${roadmap.stages[topic.stageNumber - 1]?.title ?? ""}`,
    }));
  }

  /** The text that runs `command` on this roadmap ("stage 2" -> "onboarding stage 2"). */
  command(command: string): string {
    return `${this.commandPrefix}${command}`;
  }

  stage(query: string): Stage {
    const count = this.roadmap.stages.length;
    // NFKC turns fullwidth digits (１７) into ASCII ones.
    const normalized = query.normalize("NFKC").trim();
    if (numberLike.test(normalized)) {
      const number = Number(normalized);
      const stage = Number.isInteger(number) ? this.roadmap.stages[number - 1] : undefined;
      if (stage) return stage;
      throw new UserError(
        "stage.out-of-range",
        `There is no stage ${quote(query, 12)}: stages are numbered 1 to ${count}.`,
        `Try \`${this.command("stages")}\` to list them, or \`${this.command("stage 1")}\` to begin.`,
      );
    }
    return this.unwrap(this.stageIndex.resolve(query), query, {
      noun: "stage",
      name: (stage) => `${stage.number} ${stage.title}`,
      command: (stage) => `stage ${stage.number}`,
      listCommand: "stages",
    });
  }

  /** `verb` is the command the person typed, so hints repeat it (`done argocd-architecture`). */
  topic(query: string, verb = "topic"): Topic {
    // Before the name search: a button or habit from before a rename carries the old id exactly,
    // and as a search it could match some other topic or none.
    const renamed = this.roadmap.topicAliases.get(words(query).join("-"));
    const topic = renamed === undefined ? undefined : this.roadmap.topicsById.get(renamed);
    if (topic) return topic;
    return this.unwrap(this.topicIndex.resolve(query), query, {
      noun: "topic",
      name: (topic) => `${topic.title} (${topic.id})`,
      command: (topic) => `${verb} ${topic.id}`,
      listCommand: "search <words>",
    });
  }

  search(query: string, limit: number): Topic[] {
    return this.topicIndex.search(query, limit);
  }

  /** Autocomplete for a stage: numbers by their digits ("1" -> 1, 10-19), names by the search ranking. */
  suggestStages(query: string, limit: number): Stage[] {
    const typed = query.normalize("NFKC").trim();
    if (typed === "") return this.roadmap.stages.slice(0, limit);
    if (/^\d+$/.test(typed))
      return this.roadmap.stages.filter((stage) => String(stage.number).startsWith(typed)).slice(0, limit);
    return this.stageIndex.search(typed, limit);
  }

  /** Autocomplete for a topic: the search ranking, or the roadmap's first topics before anything is typed. */
  suggestTopics(query: string, limit: number): Topic[] {
    return query.trim() === "" ? this.roadmap.topics.slice(0, limit) : this.topicIndex.search(query, limit);
  }

  private unwrap<T>(
    resolution: Resolution<T>,
    query: string,
    how: { noun: string; name: (item: T) => string; command: (item: T) => string; listCommand: string },
  ): T {
    if (resolution.kind === "found") return resolution.item;
    if (resolution.kind === "ambiguous") {
      const first = resolution.candidates[0];
      throw new UserError(
        `${how.noun}.ambiguous`,
        `${quote(query)} matches ${resolution.candidates.length} ${how.noun}s: ${listNames(resolution.candidates.map(how.name))}.`,
        first ? `Be more specific, e.g. \`${this.command(how.command(first))}\`.` : undefined,
      );
    }
    const [best] = resolution.suggestions;
    throw new UserError(
      `${how.noun}.not-found`,
      `No ${how.noun} matches ${quote(query)}.`,
      best
        ? `Did you mean ${listNames(resolution.suggestions.map(how.name), 3)}? Try \`${this.command(how.command(best))}\`.`
        : `Try \`${this.command(how.listCommand)}\`.`,
    );
  }
}
