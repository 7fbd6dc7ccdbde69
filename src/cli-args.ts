/**
 * Splits the command line. `ask` takes everything that is not one of its options as the text, so
 * `roadmap-bot ask stage -1` asks about stage -1 instead of failing on an unknown "-1" option.
 */

/** Options that take a value: who is asking (console, ask) and which Discord server (register-discord). */
export const valueOptions = ["user", "name", "team", "channel", "guild"] as const;
export type ValueOption = (typeof valueOptions)[number];

export interface CliArgs {
  command: string | undefined;
  /** Words after the command that are not options. */
  rest: string[];
  options: Partial<Record<ValueOption, string>>;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const isValueOption = (name: string): name is ValueOption => (valueOptions as readonly string[]).includes(name);

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: undefined, rest: [], options: {}, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === "--help" || token === "-h") {
      args.help = true;
      continue;
    }
    if (token === "--version" || token === "-v") {
      args.version = true;
      continue;
    }
    const option = /^--([a-z]+)(?:=(.*))?$/s.exec(token);
    if (option && isValueOption(option[1] as string)) {
      const name = option[1] as ValueOption;
      const value = option[2] ?? argv[++i];
      if (value === undefined || value.trim() === "")
        throw new UsageError(`--${name} needs a value, e.g. --${name} alice`);
      args.options[name] = value;
      continue;
    }
    if (args.command === undefined) args.command = token;
    else if (token.startsWith("--") && args.command !== "ask") throw new UsageError(`Unknown option ${token}`);
    else args.rest.push(token);
  }
  return args;
}
