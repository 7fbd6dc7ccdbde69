import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { boardLayout, leaderboardCardElement, rowTop } from "../src/pictures/leaderboard-card.ts";
import { renderPicture } from "../src/pictures/render.ts";
import { altText, type LeaderboardCardView, pictureSize, type WeeklyChartView } from "../src/pictures/views.ts";
import { visualOrder } from "../src/pictures/visual-order.ts";
import { barRects, weeklyChartElement } from "../src/pictures/weekly-chart.ts";

interface Picture {
  width: number;
  height: number;
  /** Whether the pixel differs from the picture's background (taken from its top-left corner). */
  ink(x: number, y: number): boolean;
  rgb(x: number, y: number): string;
}

function decode(png: Buffer): Picture {
  const image = PNG.sync.read(png);
  const rgb = (x: number, y: number): string => {
    const at = (Math.round(y) * image.width + Math.round(x)) * 4;
    return [...image.data.subarray(at, at + 3)].join(",");
  };
  const background = rgb(2, 2);
  return { width: image.width, height: image.height, ink: (x, y) => rgb(x, y) !== background, rgb };
}

/** Whether any pixel of the box is not background. */
function anyInk(picture: Picture, box: { x: number; y: number; width: number; height: number }): boolean {
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) if (picture.ink(x, y)) return true;
  }
  return false;
}

const longName = "Maximiliana Alexandrina ".repeat(6).slice(0, 120);
const names = [
  "Zoë Ångström",
  "Łukasz Żółć",
  "张伟",
  "田中さくら",
  "김민준",
  "محمد",
  "שירה",
  "Ana 🚀",
  "🦊🦊",
  longName,
];
const board: LeaderboardCardView = {
  kind: "leaderboard",
  title: "This week · Team platform",
  period: "Mon 2 Mar – Sun 8 Mar",
  rows: names.map((name, index) => ({ rank: index + 1, name, points: 120 - index * 11, me: index === 3 })),
};

describe("leaderboard card", () => {
  // First in the file on purpose: render.ts lists only fonts satori had not loaded yet in this process.
  it("GIVEN names in many scripts and a 120-character name THEN every script gets a font and the long name stops at its column", async () => {
    const rendered = await renderPicture(leaderboardCardElement(board), pictureSize);
    const picture = decode(rendered.png);

    expect([picture.width, picture.height]).toEqual([1200, 675]);
    expect(rendered.fonts).toEqual(
      expect.arrayContaining(["Inter", "Noto Sans KR", "Noto Sans Arabic", "Noto Sans Hebrew", "Twemoji"]),
    );
    expect(rendered.fonts.some((font) => font === "Noto Sans SC" || font === "Noto Sans JP")).toBe(true);

    const top = rowTop(names.indexOf(longName));
    const { nameX, nameWidth, pointsX, rowHeight } = boardLayout;
    // Cut on one line: ink reaches the column's end, but neither the gap before the points nor the space below.
    expect(anyInk(picture, { x: nameX + nameWidth - 30, y: top, width: 30, height: rowHeight - 4 })).toBe(true);
    const gap = { x: nameX + nameWidth + 1, y: top, width: pointsX + 20 - (nameX + nameWidth + 1), height: rowHeight };
    expect(anyInk(picture, gap)).toBe(false);
    const under = { x: nameX, y: top + rowHeight, width: nameWidth, height: 675 - top - rowHeight };
    expect(anyInk(picture, under)).toBe(false);
  });

  it("GIVEN the asker outside the top 10 THEN their row shows below a separator and the alt text names their place", async () => {
    const rows = board.rows.slice(0, 3).map((row) => ({ ...row, name: `Person ${row.rank}`, me: false }));
    const withMine: LeaderboardCardView = { ...board, rows, mine: { rank: 37, name: "Ann", points: 3 } };
    const below = { x: 0, y: boardLayout.separatorY, width: 1200, height: 675 - boardLayout.separatorY };

    const shown = decode((await renderPicture(leaderboardCardElement(withMine), pictureSize)).png);
    const without = decode(
      (await renderPicture(leaderboardCardElement({ ...withMine, mine: undefined }), pictureSize)).png,
    );

    expect(anyInk(shown, below)).toBe(true);
    expect(anyInk(without, below)).toBe(false);
    expect(altText(withMine)).toContain("You: 37. with 3 points.");
  });

  it("GIVEN nobody has points THEN the card still renders, with its message in the middle", async () => {
    const empty: LeaderboardCardView = { kind: "leaderboard", title: "All time · #general", rows: [] };
    const picture = decode((await renderPicture(leaderboardCardElement(empty), pictureSize)).png);

    expect(anyInk(picture, { x: 300, y: 320, width: 600, height: 90 })).toBe(true);
    expect(altText(empty)).toContain("nobody has points yet");
  });

  it("GIVEN the same card drawn twice THEN the SVG is identical", async () => {
    const element = leaderboardCardElement(board);
    const first = await renderPicture(element, pictureSize);
    const second = await renderPicture(element, pictureSize);

    expect(second.svg).toBe(first.svg);
  });

  it("GIVEN Hebrew or Arabic in a name THEN it is drawn right to left, digits and Latin left as they are", () => {
    expect(visualOrder("Zoë Ångström")).toBe("Zoë Ångström");
    expect(visualOrder("שירה כהן")).toBe("ןהכ הריש");
    expect(visualOrder("Ana שירה 12")).toBe("Ana הריש 12");
    expect(visualOrder("דנה 42 לוי")).toBe("יול 42 הנד");
    // Joined forms, last letter first: dal final, meem medial, hah medial, meem initial.
    expect(visualOrder("محمد")).toBe("\ufeaa\ufee4\ufea4\ufee3");
  });
});

describe("weekly chart", () => {
  const week: WeeklyChartView = {
    kind: "weekly-chart",
    title: "Team platform · week of 2 Mar",
    days: [4, 7, 0, 3, 6, 1, 2].map((done, index) => ({
      label: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][index] ?? "",
      done,
    })),
    lastWeekTotal: 17,
  };

  it("GIVEN a week THEN the busiest day has the tallest bar and a quiet day's column is empty above its own", async () => {
    const picture = decode((await renderPicture(weeklyChartElement(week), pictureSize)).png);
    const rects = barRects(week);
    const [tallest, quiet] = [rects[1], rects[5]];
    if (!tallest || !quiet) throw new Error("seven bars expected");

    expect([picture.width, picture.height]).toEqual([1200, 675]);
    expect(rects.map((rect) => rect.label)).toEqual(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    expect(tallest.height).toBeGreaterThan(quiet.height);
    const centre = [tallest.x + tallest.width / 2, tallest.y + tallest.height / 2] as const;
    expect(picture.ink(...centre)).toBe(true);
    expect(picture.rgb(tallest.x + 10, tallest.y + tallest.height - 4)).toBe(picture.rgb(...centre));
    // Above the quiet bar's value label, its column is background all the way up to the tallest bar's top.
    const above = { x: quiet.x, y: tallest.y, width: quiet.width, height: quiet.y - 48 - tallest.y };
    expect(above.height).toBeGreaterThan(100);
    expect(anyInk(picture, above)).toBe(false);
  });

  it("GIVEN a day with nothing done THEN its bar is empty but inside the picture, on a drawn baseline", async () => {
    const picture = decode((await renderPicture(weeklyChartElement(week), pictureSize)).png);
    const zero = barRects(week)[2];
    if (!zero) throw new Error("seven bars expected");

    expect(zero.height).toBe(0);
    expect(zero.x).toBeGreaterThanOrEqual(0);
    expect(zero.x + zero.width).toBeLessThanOrEqual(1200);
    expect(zero.y).toBeGreaterThan(0);
    expect(zero.y).toBeLessThanOrEqual(675);
    expect(picture.ink(zero.x + zero.width / 2, zero.y)).toBe(true);
    expect(anyInk(picture, { x: zero.x, y: zero.y - 6, width: zero.width, height: 4 })).toBe(false);
  });

  it("GIVEN nothing done all week THEN no bar divides by zero", () => {
    const idle = { ...week, days: week.days.map((day) => ({ ...day, done: 0 })) };

    for (const rect of barRects(idle)) expect([rect.height, rect.y]).toEqual([0, 520]);
  });
});
