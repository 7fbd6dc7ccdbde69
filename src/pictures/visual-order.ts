/** Arabic letters' presentation forms (isolated, final, initial, medial; fewer for letters that join on one side). */
const arabicForms = new Map<number, { first: number; count: number }>();
for (const [letter, first, counts] of [
  [0x0621, 0xfe80, "12222424244444222244444444"],
  [0x0641, 0xfed1, "4444444224"],
] as const) {
  let at: number = first;
  [...counts].forEach((count, index) => {
    arabicForms.set(letter + index, { first: at, count: Number(count) });
    at += Number(count);
  });
}
for (const [letter, first, count] of [
  [0x067e, 0xfb56, 4],
  [0x0686, 0xfb7a, 4],
  [0x0698, 0xfb8a, 2],
  [0x06a9, 0xfb8e, 4],
  [0x06af, 0xfb92, 4],
  [0x06cc, 0xfbfc, 4],
] as const) {
  arabicForms.set(letter, { first, count });
}
const tatweel = 0x0640;
const lamAlef = new Map([
  [0x0622, 0xfef5],
  [0x0623, 0xfef7],
  [0x0625, 0xfef9],
  [0x0627, 0xfefb],
]);
const joinsForward = (point: number | undefined): boolean =>
  point === tatweel || (point !== undefined && arabicForms.get(point)?.count === 4);

/** Arabic letters as their joined forms, chosen from their neighbours in reading order. */
function shapeArabic(text: string): string {
  const points = [...text].map((character) => character.codePointAt(0) ?? 0);
  const mark = (point: number): boolean => /\p{M}/u.test(String.fromCodePoint(point));
  const neighbour = (from: number, step: 1 | -1): number | undefined => {
    for (let at = from + step; at >= 0 && at < points.length; at += step) {
      const point = points[at] ?? 0;
      if (!mark(point)) return point;
    }
    return undefined;
  };
  let out = "";
  for (let at = 0; at < points.length; at++) {
    const point = points[at] ?? 0;
    const forms = arabicForms.get(point);
    if (!forms) {
      out += String.fromCodePoint(point);
      continue;
    }
    const before = joinsForward(neighbour(at, -1));
    const ligature = point === 0x0644 ? lamAlef.get(points[at + 1] ?? 0) : undefined;
    if (ligature !== undefined) {
      out += String.fromCodePoint(ligature + (before ? 1 : 0));
      at++;
      continue;
    }
    const next = neighbour(at, 1);
    const after = forms.count === 4 && next !== undefined && (next === tatweel || arabicForms.has(next));
    const form = before && after ? 3 : after ? 2 : before ? 1 : 0;
    out += String.fromCodePoint(forms.first + Math.min(form, forms.count - 1));
  }
  return out;
}

const rightToLeft = /[\p{Script=Hebrew}\p{Script=Arabic}]/u;
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Text in the order its glyphs are drawn, left to right. satori draws characters in reading order
 * and shapes no Arabic, so Hebrew and Arabic came out backwards and unjoined: runs of them are
 * shaped here and reversed (digits inside them keep their order), the rest stays as it is.
 */
export function visualOrder(text: string): string {
  if (!rightToLeft.test(text)) return text;
  const clusters = [...graphemes.segment(shapeArabic(text))].map((one) => one.segment);
  const kind = (cluster: string): "R" | "L" | "D" | "N" =>
    rightToLeft.test(cluster) ? "R" : /\p{L}/u.test(cluster) ? "L" : /^\p{Nd}$/u.test(cluster) ? "D" : "N";
  const kinds = clusters.map(kind);
  const out: string[] = [];
  for (let at = 0; at < clusters.length; ) {
    if (kinds[at] !== "R") {
      out.push(clusters[at] ?? "");
      at++;
      continue;
    }
    let end = at;
    for (let probe = at; probe < clusters.length && kinds[probe] !== "L"; probe++)
      if (kinds[probe] === "R") end = probe;
    const tokens: string[] = [];
    for (let index = at; index <= end; index++) {
      const cluster = clusters[index] ?? "";
      if (kinds[index] === "D" && kinds[index - 1] === "D" && index > at) tokens[tokens.length - 1] += cluster;
      else tokens.push(cluster);
    }
    out.push(...tokens.reverse());
    at = end + 1;
  }
  return out.join("");
}
