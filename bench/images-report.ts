/**
 * What bench/images.ts prints after its header: each round's figures per mix, then the pool, the
 * unloaded latencies and the bot's memory, and the two ratios last, the judged one at the very end.
 */
import { defaultCacheBytes } from "../src/pictures/picture-renderer.ts";
import type { LatencyResult, PoolResult, RoundResult } from "./images-load.ts";
import { median, p99, ratioLine } from "./stats.ts";

export type Measured = RoundResult & {
  /** The bot's CPU per command in the window, in ms (its render processes' included). */
  botCpuMs: number;
  /** The bot's main thread's CPU per command, in ms: the thread answering commands. */
  mainCpuMs: number;
};

export interface Report {
  mixes: { none: Measured[]; pictures: Measured[] };
  pool: PoolResult;
  latency: LatencyResult;
  /**
   * The bot's VmHWM in MiB: after the warm-up, before any progress map was drawn; at the end. And
   * the highest sum of the bot's and its render processes' RSS, sampled every 200 ms.
   */
  rss: { beforePictures: number; peak: number; withRenderers: number };
  target: number;
}

export const mib = (bytes: number) => bytes / 1024 / 1024;

type Row = [label: string, figure: (round: Measured) => number, digits: number, after?: string];

const everyMix: Row[] = [
  ["commands/s", (r) => r.perSecond, 0],
  ["bot CPU ms/command", (r) => r.botCpuMs, 3],
  ["bot main thread CPU ms/command", (r) => r.mainCpuMs, 3],
  ["bot main thread CPU, share of a core", (r) => (r.mainCpuMs * r.perSecond) / 1000, 2],
  ["generator CPU, share of a core", (r) => r.cpuShare, 2],
];
const picturesOnly: Row[] = [
  ["asked in the window", (r) => r.asked, 0],
  ["PNGs delivered in the window", (r) => r.delivered, 0],
  ["answer to PNG, median ms", (r) => r.toPngMedian, 0],
  ["answer to PNG, p99 ms", (r) => r.toPngP99, 0],
  ["still queued at the window's end", (r) => r.queued, 0, "   (dropped before the next round)"],
];

const row = (label: string, values: number[], digits: number, after = "") =>
  console.log(`${label.padEnd(42)}${values.map((v) => v.toFixed(digits).padStart(8)).join("")}${after}`);

export function printReport({ mixes, pool, latency, rss, target }: Report): void {
  const ratios = mixes.pictures.map((r, i) => r.perSecond / (mixes.none[i]?.perSecond ?? Number.NaN));
  row(
    "round",
    ratios.map((_, i) => i + 1),
    0,
  );
  for (const mix of ["none", "pictures"] as const) {
    // The none mix goes first in the odd rounds (1, 3, ...).
    const first = ratios.map((_, i) => ((i % 2 === 0) === (mix === "none") ? "*" : "-")).join("");
    for (const [label, figure, digits, after] of mix === "none" ? everyMix : [...everyMix, ...picturesOnly]) {
      const note = after ?? (label === "commands/s" ? `   (* went first: ${first})` : "");
      row(`${mix}: ${label}`, mixes[mix].map(figure), digits, note);
    }
  }
  row("ratio pictures/none commands/s per round", ratios, 2);
  console.log(
    `picture pool: ${pool.pictures} maps, ${mib(pool.bytes).toFixed(1)} MiB of PNG ` +
      `(${(pool.bytes / pool.pictures / 1024).toFixed(0)} KiB each) against a ${mib(defaultCacheBytes)} MiB cache; ` +
      "every picture fetched in the rounds was drawn for it; errors: 0",
  );
  const ms = (values: number[]) => `median ${median(values).toFixed(2)} ms, p99 ${p99(values).toFixed(2)} ms`;
  console.log(`unloaded, one request at a time, ${latency.textMs.length} samples of each:`);
  console.log(`  text-only progress (a team with pictures off): ${ms(latency.textMs)}`);
  console.log(`  progress + its picture from the cache:          ${ms(latency.cachedMs)}`);
  console.log(
    `bot peak RSS (VmHWM): ${rss.beforePictures.toFixed(0)} MiB after the warm-up, before any progress map was ` +
      `drawn (no render process yet: it starts with the first picture); ${rss.peak.toFixed(0)} MiB at the end`,
  );
  console.log(
    `bot + render processes, peak of the summed RSS sampled every 200 ms: ${rss.withRenderers.toFixed(0)} MiB`,
  );
  const latencyRatio = median(latency.cachedMs) / median(latency.textMs);
  console.log(
    `ratio cached picture/text-only progress latency, medians: ${latencyRatio.toFixed(2)} (printed, no target)`,
  );
  console.log(ratioLine(`pictures/none commands/s, median of ${ratios.length} rounds`, median(ratios), target));
}
