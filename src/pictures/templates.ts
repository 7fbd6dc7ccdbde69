import type { PictureElement } from "./element.ts";
import { leaderboardCardElement } from "./leaderboard-card.ts";
import { progressMapElement } from "./progress-map.ts";
import type { PictureView } from "./views.ts";
import { weeklyChartElement } from "./weekly-chart.ts";

/** The element tree that draws a view. */
export function pictureElement(view: PictureView): PictureElement {
  if (view.kind === "progress-map") return progressMapElement(view);
  if (view.kind === "leaderboard") return leaderboardCardElement(view);
  return weeklyChartElement(view);
}
