import { h, type PictureElement, pictureFrame } from "./element.ts";
import { type BoardCardRow, type LeaderboardCardView, pictureSize } from "./views.ts";
import { visualOrder } from "./visual-order.ts";

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
  return pictureFrame(
    { backgroundColor: colors.background, color: colors.text, fontSize: 24 },
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
