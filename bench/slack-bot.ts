/**
 * The bot as the Slack benches run it (bench/slack.ts, bench/images.ts): `roadmap-bot start` from
 * dist/, in a process of its own, Slack in HTTP mode against a fake Slack API, on the bench's
 * store; and its CPU over a load generator's measured window.
 */
import path from "node:path";
import { cpuTicks, ServerProcess, treeCpuTicks } from "./slack-processes.ts";
import { contentDir } from "./slack-seed.ts";

const root = path.resolve(import.meta.dirname, "..");
/** USER_HZ: what /proc counts CPU time in. */
const ticksPerSecond = 100;

export function startSlackBot(options: {
  /** Extra node flags, for a diagnosis (--cpu-prof). */
  flags: string[];
  secret: string;
  apiUrl: string;
  storeUrl: string;
  env?: Record<string, string>;
}): ServerProcess {
  return new ServerProcess("roadmap-bot", [...options.flags, path.join(root, "bin", "roadmap-bot.js"), "start"], {
    SLACK_BOT_TOKEN: "xoxb-slack-bench",
    SLACK_SIGNING_SECRET: options.secret,
    SLACK_API_URL: options.apiUrl,
    STORE_URL: options.storeUrl,
    PORT: "0",
    CONTENT_DIR: contentDir,
    ...options.env,
  });
}

/**
 * A process's CPU over a measured window, its child processes' included (the bot draws pictures in
 * one), and its main thread's alone: give `onWindow` the window's edges, then read `ms()` and
 * `mainMs()`.
 */
export function windowCpu(pid: number): {
  onWindow: (edge: "start" | "end") => void;
  ms: () => number;
  mainMs: () => number;
} {
  const all = windowTicks(() => treeCpuTicks(pid));
  const main = windowTicks(() => cpuTicks(pid, pid));
  return {
    onWindow: (edge) => {
      all.onWindow(edge);
      main.onWindow(edge);
    },
    ms: all.ms,
    mainMs: main.ms,
  };
}

function windowTicks(read: () => number | undefined): { onWindow: (edge: "start" | "end") => void; ms: () => number } {
  let ticks: number | undefined;
  return {
    onWindow: (edge) => {
      const now = read();
      if (edge === "start") ticks = now;
      else if (ticks !== undefined && now !== undefined) ticks = now - ticks;
    },
    ms: () => (ticks ?? Number.NaN) * (1000 / ticksPerSecond),
  };
}
