import type { CommandContext } from "./command.ts";
import { quote, UserError } from "./errors.ts";
import type { Reply } from "./reply.ts";

export type ModeHandlers = Record<string, (context: CommandContext, words: string[]) => Promise<Reply>>;

/**
 * Runs the mode named by the argument's first word (`daily on 09:30` runs "on" with ["09:30"]);
 * no word runs `fallback`, an unknown one is answered with the modes there are.
 */
export function runMode(context: CommandContext, handlers: ModeHandlers, fallback: string, example: string) {
  const [mode = fallback, ...words] = context.arg.split(" ").filter((word) => word !== "");
  const handler = Object.hasOwn(handlers, mode.toLowerCase()) ? handlers[mode.toLowerCase()] : undefined;
  if (handler) return handler(context, words);
  const name = context.commandName;
  const others = Object.keys(handlers).map((other) => `\`${name} ${other}\``);
  throw new UserError(
    `${name}.unknown-mode`,
    `\`${name}\` does not know ${quote(mode, 20)}.`,
    `Type \`${context.lookup.command(example)}\`, or one of ${others.join(", ")}.`,
  );
}
