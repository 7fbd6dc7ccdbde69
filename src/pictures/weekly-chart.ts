import { h, type PictureElement, pictureFrame } from "./element.ts";
import { pictureSize, type WeeklyChartView } from "./views.ts";
import { visualOrder } from "./visual-order.ts";

const colors = {
  background: "#0f172a",
  text: "#f1f5f9",
  muted: "#94a3b8",
  axis: "#334155",
  bar: "#38bdf8",
  best: "#fbbf24",
  up: "#4ade80",
  down: "#f87171",
};

/** The plot, in picture pixels: bars stand on the baseline and the best day reaches the top. */
export const chartLayout = { plotLeft: 96, plotWidth: 1008, plotTop: 190, baseline: 520, barWidth: 88 } as const;

export interface BarRect {
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Each day's bar; a day with anything done gets a few pixels at least, so it never reads as zero. */
export function barRects(view: WeeklyChartView): BarRect[] {
  const { plotLeft, plotWidth, plotTop, baseline, barWidth } = chartLayout;
  const slot = plotWidth / Math.max(1, view.days.length);
  const most = Math.max(1, ...view.days.map((day) => day.done));
  return view.days.map((day, index) => {
    const scaled = (Math.max(0, day.done) / most) * (baseline - plotTop);
    const height = day.done > 0 ? Math.max(6, Math.round(scaled)) : 0;
    return {
      label: day.label,
      x: Math.round(plotLeft + index * slot + (slot - barWidth) / 2),
      y: baseline - height,
      width: barWidth,
      height,
    };
  });
}

const topics = (n: number): string => `${n} ${n === 1 ? "topic" : "topics"}`;

/**
 * "23 topics that week · 17 the week before, +6": the change is written out, its colour only
 * repeats it. The recap shows a week that is over, so "this week" would name the wrong one.
 */
function footer(total: number, lastWeek: number): PictureElement {
  const change = total - lastWeek;
  const sign = change > 0 ? `+${change}` : change < 0 ? `−${-change}` : "the same";
  return h(
    "div",
    {
      position: "absolute",
      left: 56,
      top: 604,
      width: pictureSize.width - 112,
      display: "flex",
      justifyContent: "center",
      fontSize: 28,
    },
    h("div", { display: "flex", fontWeight: 700 }, `${topics(total)} that week`),
    h("div", { display: "flex", color: colors.muted, marginLeft: 10 }, `· ${lastWeek} the week before,`),
    h(
      "div",
      {
        display: "flex",
        marginLeft: 10,
        fontWeight: 700,
        color: change > 0 ? colors.up : change < 0 ? colors.down : colors.muted,
      },
      sign,
    ),
  );
}

/** A week of topics done, Monday to Sunday, against the week before. */
export function weeklyChartElement(view: WeeklyChartView): PictureElement {
  const rects = barRects(view);
  const { plotLeft, plotWidth, baseline } = chartLayout;
  const slot = plotWidth / Math.max(1, view.days.length);
  const most = Math.max(0, ...view.days.map((day) => day.done));
  const total = view.days.reduce((sum, day) => sum + day.done, 0);
  const label = (text: string, centre: number, top: number, style: Record<string, string | number>): PictureElement =>
    h(
      "div",
      {
        position: "absolute",
        left: centre - slot / 2,
        top,
        width: slot,
        display: "flex",
        justifyContent: "center",
        ...style,
      },
      text,
    );
  return pictureFrame(
    { backgroundColor: colors.background, color: colors.text, fontSize: 24 },
    h(
      "div",
      {
        position: "absolute",
        left: 56,
        top: 36,
        maxWidth: pictureSize.width - 112,
        display: "flex",
        overflow: "hidden",
        whiteSpace: "nowrap",
        textOverflow: "ellipsis",
        fontSize: 40,
        fontWeight: 700,
      },
      visualOrder(view.title),
    ),
    h(
      "div",
      { position: "absolute", left: 56, top: 90, display: "flex", fontSize: 22, color: colors.muted },
      "Topics done each day",
    ),
    h("div", {
      position: "absolute",
      left: plotLeft - 16,
      top: baseline,
      width: plotWidth + 32,
      height: 2,
      backgroundColor: colors.axis,
    }),
    ...rects.flatMap((rect, index) => {
      const done = view.days[index]?.done ?? 0;
      const best = done > 0 && done === most;
      return [
        h("div", {
          position: "absolute",
          left: rect.x,
          top: rect.y,
          width: rect.width,
          height: rect.height,
          borderTopLeftRadius: Math.min(10, rect.height),
          borderTopRightRadius: Math.min(10, rect.height),
          backgroundColor: best ? colors.best : colors.bar,
        }),
        label(`${done}`, rect.x + rect.width / 2, rect.y - 40, {
          fontSize: 26,
          fontWeight: best ? 700 : 400,
          color: done > 0 ? colors.text : colors.muted,
        }),
        label(rect.label, rect.x + rect.width / 2, baseline + 14, { color: colors.muted }),
      ];
    }),
    footer(total, view.lastWeekTotal),
  );
}
