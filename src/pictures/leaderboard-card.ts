import { h, type PictureElement } from "./element.ts";
import { pictureFontFamily } from "./render.ts";
import { type BoardCardRow, type LeaderboardCardView, pictureSize } from "./views.ts";

const colors = {
  background: "#0f172a",
  text: "#f1f5f9",
  muted: "#94a3b8",
  track: "#1e293b",
  bar: "#38bdf8",
  mineRow: "#1e3a5f",
  accent: "#fbbf24",
  accentText: "#0f172a",
  medals: ["#fbbf24", "#cbd5e1", "#d97706"],
};

/**
 * Where rows and columns sit, in picture pixels. Every column has a fixed width so a name in any
 * script lines up the same way, and the tests can look at exact places in the PNG.
 */
export const boardLayout = {
  rowLeft: 40,
  rowWidth: pictureSize.width - 80,
  listTop: 136,
  rowHeight: 44,
  rankWidth: 56,
  nameX: 132,
  nameWidth: 440,
  pointsX: 600,
  pointsWidth: 110,
  barX: 734,
  barWidth: pictureSize.width - 56 - 734,
  separatorY: 590,
  mineTop: 604,
} as const;

const tagWidth = 64;

export const rowTop = (index: number): number => boardLayout.listTop + index * boardLayout.rowHeight;

const pointsText = (points: number): string => `${points.toLocaleString("en-US")} ${points === 1 ? "pt" : "pts"}`;

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

/** Single-line text cut with "…" at its box's width, whatever script or emoji it holds. */
const clipped = (text: string, style: Record<string, string | number>): PictureElement =>
  h(
    "div",
    { display: "flex", overflow: "hidden", whiteSpace: "nowrap", textOverflow: "ellipsis", ...style },
    visualOrder(text),
  );

function row(board: BoardCardRow, top: number, topPoints: number): PictureElement {
  const { rowLeft, rowWidth, rowHeight, rankWidth, nameX, nameWidth, pointsX, pointsWidth, barX, barWidth } =
    boardLayout;
  const me = board.me === true;
  const medal = colors.medals[board.rank - 1];
  const fill = topPoints > 0 ? Math.round((Math.min(board.points, topPoints) / topPoints) * barWidth) : 0;
  // Column x values are picture pixels; inside the row they are offset by the row's own left.
  const at = (x: number, width: number): Record<string, string | number> => ({
    position: "absolute",
    left: x - rowLeft,
    width,
    top: 0,
    height: rowHeight - 4,
    display: "flex",
    alignItems: "center",
  });
  return h(
    "div",
    {
      position: "absolute",
      display: "flex",
      left: rowLeft,
      top,
      width: rowWidth,
      height: rowHeight - 4,
      borderRadius: 10,
      ...(me ? { backgroundColor: colors.mineRow } : {}),
    },
    // A strip rather than a border: a border would push the row's columns out of line with the others.
    me &&
      h("div", {
        position: "absolute",
        left: 0,
        top: 0,
        width: 6,
        height: rowHeight - 4,
        borderTopLeftRadius: 10,
        borderBottomLeftRadius: 10,
        backgroundColor: colors.accent,
      }),
    h(
      "div",
      {
        ...at(56, rankWidth),
        justifyContent: "flex-end",
        fontWeight: 700,
        color: me ? colors.text : (medal ?? colors.muted),
      },
      `${board.rank}`,
    ),
    h(
      "div",
      { ...at(nameX, nameWidth), fontWeight: me ? 700 : 400 },
      clipped(board.name, { maxWidth: me ? nameWidth - tagWidth : nameWidth }),
      me &&
        h(
          "div",
          {
            display: "flex",
            flexShrink: 0,
            marginLeft: 10,
            padding: "1px 10px",
            borderRadius: 999,
            backgroundColor: colors.accent,
            color: colors.accentText,
            fontSize: 16,
            fontWeight: 700,
          },
          "you",
        ),
    ),
    h(
      "div",
      { ...at(pointsX, pointsWidth), justifyContent: "flex-end", fontWeight: me ? 700 : 400 },
      pointsText(board.points),
    ),
    h(
      "div",
      { ...at(barX, barWidth) },
      h(
        "div",
        { display: "flex", width: barWidth, height: 14, borderRadius: 7, backgroundColor: colors.track },
        h("div", {
          width: fill,
          height: 14,
          borderRadius: 7,
          backgroundColor: me ? colors.accent : colors.bar,
        }),
      ),
    ),
  );
}

function emptyBoard(): PictureElement {
  return h(
    "div",
    {
      position: "absolute",
      left: 0,
      top: boardLayout.listTop,
      width: pictureSize.width,
      height: boardLayout.separatorY - boardLayout.listTop,
      display: "flex",
      flexDirection: "column",
      alignItems: "center",
      justifyContent: "center",
    },
    h("div", { display: "flex", fontSize: 40, fontWeight: 700 }, "Nobody has points yet"),
    h("div", { display: "flex", marginTop: 12, color: colors.muted }, "Finish a topic to get on the board."),
  );
}

/** The leaderboard as a card: the top 10 with bars, and the asker's own place when they are further down. */
export function leaderboardCardElement(view: LeaderboardCardView): PictureElement {
  const rows = view.rows.slice(0, 10);
  const topPoints = Math.max(0, ...rows.map((one) => one.points), view.mine?.points ?? 0);
  return h(
    "div",
    {
      display: "flex",
      position: "relative",
      width: pictureSize.width,
      height: pictureSize.height,
      backgroundColor: colors.background,
      color: colors.text,
      fontFamily: pictureFontFamily,
      fontSize: 24,
    },
    clipped(view.title, {
      position: "absolute",
      left: 56,
      top: 36,
      maxWidth: pictureSize.width - 112,
      fontSize: 40,
      fontWeight: 700,
    }),
    view.period !== undefined &&
      clipped(view.period, {
        position: "absolute",
        left: 56,
        top: 88,
        maxWidth: pictureSize.width - 112,
        fontSize: 22,
        color: colors.muted,
      }),
    ...(rows.length === 0 ? [emptyBoard()] : rows.map((one, index) => row(one, rowTop(index), topPoints))),
    view.mine !== undefined &&
      h("div", {
        position: "absolute",
        left: 56,
        top: boardLayout.separatorY,
        width: pictureSize.width - 112,
        height: 2,
        backgroundColor: colors.track,
      }),
    view.mine !== undefined && row({ ...view.mine, me: true }, boardLayout.mineTop, topPoints),
  );
}
