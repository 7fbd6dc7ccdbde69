/**
 * The options of the benches that run two things in alternating rounds against the bot as its own
 * process (bench/slack.ts, bench/images.ts), and their checks.
 */
import type { ParseArgsConfig } from "node:util";

export const roundOptions = {
  rounds: { type: "string", default: "6" },
  seconds: { type: "string", default: "5" },
  warmup: { type: "string", default: "1" },
  users: { type: "string", default: "50" },
  connections: { type: "string", default: "32" },
  "bot-flags": { type: "string", default: "" },
} as const satisfies ParseArgsConfig["options"];

type RoundValues = { [name in keyof typeof roundOptions]: string };

/** Extra node flags for a server's process, for a diagnosis: `--bot-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
export const flags = (text: string) => text.split(" ").filter((flag) => flag !== "");

/** The options as numbers, checked; `alternated` is what goes first in half of the rounds ("target", "mix"). */
export function roundSettings(values: RoundValues, alternated: string) {
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const users = Number(values.users);
  const connections = Number(values.connections);
  if (!Number.isInteger(rounds) || rounds < 2 || rounds % 2 !== 0)
    throw new Error(`--rounds must be an even number >= 2 (each ${alternated} goes first in half of them)`);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
  if (!Number.isFinite(warmup) || warmup < 0) throw new Error("--warmup must be a number >= 0");
  if (![users, connections].every((n) => Number.isInteger(n) && n > 0))
    throw new Error("--users and --connections must be positive integers");
  return { rounds, seconds, warmup, users, connections, botFlags: flags(values["bot-flags"]) };
}
