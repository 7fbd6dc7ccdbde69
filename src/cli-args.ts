/**
 * Splits the command line. `ask` takes everything that is not one of its options as the text, so
 * `roadmap-bot ask stage -1` asks about stage -1 instead of failing on an unknown "-1" option.
 */

/**
 * Options that take a value: who is asking (console, ask), which Discord server (register-discord),
 * how many Discord shards `start` runs, and where `ask --image` writes the answer's picture.
 */
export const valueOptions = ["user", "name", "team", "channel", "guild", "shards", "image"] as const;
export type ValueOption = (typeof valueOptions)[number];

export interface CliArgs {
  command: string | undefined;
  /** Words after the command that are not options. */
  rest: string[];
  options: Partial<Record<ValueOption, string>>;
  help: boolean;
  version: boolean;
  /** `start --shards auto|N`: run Discord as N shard processes (auto: as many as Discord recommends). */
  shards: ShardCount | undefined;
}

/** How many Discord shards: "auto" asks Discord (GET /gateway/bot), a number is used as given. */
export type ShardCount = "auto" | number;

export class UsageError extends Error {
  override name = "UsageError";
}

const isValueOption = (name: string): name is ValueOption => (valueOptions as readonly string[]).includes(name);

const valueExample: Record<ValueOption, string> = {
  user: "alice",
  name: "Alice",
  team: "T1",
  channel: "C1",
  guild: "123456789012345678",
  shards: "auto",
  image: "progress.png",
};

export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { command: undefined, rest: [], options: {}, help: false, version: false, shards: undefined };
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
        throw new UsageError(`--${name} needs a value, e.g. --${name} ${valueExample[name]}`);
      args.options[name] = value;
      continue;
    }
    if (args.command === undefined) args.command = token;
    else if (token.startsWith("--") && args.command !== "ask") throw new UsageError(`Unknown option ${token}`);
    else args.rest.push(token);
  }
  if (args.options.image !== undefined && args.command !== "ask") {
    throw new UsageError("--image goes with ask: roadmap-bot ask progress --image progress.png");
  }
  if (args.options.shards !== undefined) {
    if (args.command !== "start") throw new UsageError("--shards goes with start: roadmap-bot start --shards auto");
    args.shards = parseShardCount(args.options.shards);
  }
  return args;
}

/** A bound far past any real bot's shard count: it turns a typo (`--shards 40000`) into a usage error. */
const maxShards = 16_384;

/** `auto`, or a whole number of shards from 1 up. */
export function parseShardCount(value: string): ShardCount {
  const text = value.trim().toLowerCase();
  if (text === "auto") return "auto";
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count >= 1 && count <= maxShards) return count;
  }
  throw new UsageError(
    `--shards must be auto or a whole number of shards from 1 to ${maxShards}, not "${value}" (e.g. --shards auto or --shards 4)`,
  );
}
