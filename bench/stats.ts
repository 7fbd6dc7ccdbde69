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
