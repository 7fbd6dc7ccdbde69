import { distance } from "fastest-levenshtein";
import type { Command } from "./command.ts";
import { fail, ok, quote, type Result, UserError } from "./errors.ts";

export interface ParsedCommand {
  command: Command;
  /** The argument text, trimmed; "" when none was given. */
  arg: string;
  /** Set when the text began with the id of a roadmap other than the default. */
  roadmapId?: string;
}

export interface Grammar {
  commands: readonly Command[];
  roadmapIds: readonly string[];
}

/** Longer than any real command; the cap keeps a pasted essay from reaching the search code. */
export const maxInputLength = 300;

/**
 * Control characters and invisible format characters turn into spaces; the zero-width joiners
 * stay, since emoji sequences and some scripts are built with them.
 */
const invisible = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export const cleanInput = (text: string): string =>
  text
    .replace(invisible, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\/?roadmap(?:\s+|$)/i, "")
    .replace(/^\//, "")
    .trim();

function findCommand(word: string, commands: readonly Command[]): Command | undefined {
  return commands.find((command) => command.name === word || command.aliases?.includes(word));
}

function closestCommand(word: string, commands: readonly Command[]): Command | undefined {
  let best: Command | undefined;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const command of commands) {
    const cost = distance(word.slice(0, 12), command.name);
    if (cost < bestCost) [best, bestCost] = [command, cost];
  }
  return bestCost <= 2 ? best : undefined;
}

/**
 * Text grammar shared by every platform: `[roadmap-id] <command> [argument]`, with an optional
 * leading `/roadmap`. Returns a result; never throws.
 */
export function parse(text: string, grammar: Grammar): Result<ParsedCommand> {
  const cleaned = cleanInput(text);
  if (cleaned.length > maxInputLength) {
    return fail(
      new UserError(
        "input.too-long",
        `That is ${cleaned.length.toLocaleString("en-US")} characters; commands are at most ${maxInputLength}.`,
        "Type a short command such as `topic helm templating` or `search canary`.",
      ),
    );
  }
  let [word = "", ...rest] = cleaned.split(" ");
  let roadmapId: string | undefined;
  if (grammar.roadmapIds.includes(word.toLowerCase())) {
    roadmapId = word.toLowerCase();
    // A roadmap id on its own opens that roadmap's overview.
    [word = "stages", ...rest] = rest;
  }
  if (word === "") {
    return fail(
      new UserError(
        "input.empty",
        "That command was empty.",
        "Type `help` to see what I can do, or `next` for your next topic.",
      ),
    );
  }
  const command = findCommand(word.toLowerCase(), grammar.commands);
  if (!command) {
    const guess = closestCommand(word.toLowerCase(), grammar.commands);
    return fail(
      new UserError(
        "command.unknown",
        `I don't know the command ${quote(word, 24)}.`,
        guess ? `Did you mean \`${guess.name}\`? Type \`help\` for the list.` : "Type `help` for the list of commands.",
      ),
    );
  }
  const arg = rest.join(" ");
  const spec = command.argument;
  if (!spec && arg !== "") {
    return fail(
      new UserError(
        "argument.unexpected",
        `\`${command.name}\` takes nothing after it.`,
        `Type just \`${command.name}\`.`,
      ),
    );
  }
  if (spec?.required && arg === "") {
    return fail(
      new UserError(
        "argument.missing",
        `\`${command.name}\` needs ${spec.description.toLowerCase()}.`,
        `For example \`${spec.example}\`.`,
      ),
    );
  }
  return ok(roadmapId ? { command, arg, roadmapId } : { command, arg });
}
