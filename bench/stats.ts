/** Figures every bench prints the same way. */

/** The 99th-percentile latency, in the unit given. */
export function p99(latencies: readonly number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

/** The closing line: the ratio to two decimals, judged on the figure shown so "0.80" is never "NOT met". */
export function ratioLine(
  name: string,
  ratio: number,
  target: number,
  direction: "at least" | "at most" = "at least",
): string {
  const shown = ratio.toFixed(2);
  const met = direction === "at least" ? Number(shown) >= target : Number(shown) <= target;
  return `ratio ${name}: ${shown} (target ${direction === "at least" ? ">=" : "<="} ${target}: ${met ? "met" : "NOT met"})`;
}

/**
 * Closed loop: `concurrency` workers each run `step` again as soon as the last one finished,
 * until the budget is spent. Every worker runs at least once (a zero budget is a quick probe).
 * Resolves with the wall time until the last worker is done, so steps that overran the deadline
 * count in full.
 */
export async function closedLoop(
  concurrency: number,
  budgetSeconds: number,
  step: () => Promise<void>,
): Promise<number> {
  const start = performance.now();
  const deadline = start + budgetSeconds * 1000;
  const worker = async (): Promise<void> => {
    do await step();
    while (performance.now() < deadline);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - start;
}

/** The middle value (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
