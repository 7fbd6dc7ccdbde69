// Made on first use: building a Segmenter loads ICU's break rules (some 7 ms), which a one-shot
// `ask` that truncates nothing should not pay at start-up.
let graphemes: Intl.Segmenter | undefined;
const segmenter = (): Intl.Segmenter => {
  graphemes ??= new Intl.Segmenter("en", { granularity: "grapheme" });
  return graphemes;
};

/**
 * Cuts text to at most `max` UTF-16 units (the unit chat limits count), ending with "…" when cut.
 * The cut falls between user-perceived characters, so an emoji or accented letter is never split.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = "";
  for (const { segment } of segmenter().segment(text)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
}

/** Groups lines into chunks of at most `max` characters each (a line longer than that is cut). */
export function chunkLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
