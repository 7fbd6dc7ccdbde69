import type { Roadmap } from "../content/schema.ts";
import type { MapStation, PictureView } from "./views.ts";

/** The roadmap a view names by its title, where this bot has it. */
export type RoadmapByTitle = (title: string) => Roadmap | undefined;

/**
 * What a picture link carries: the view, except that a progress map whose stations repeat its
 * roadmap's stages (number, title and topic count, as they always do unless the content changed)
 * carries only each station's done count. The titles are most of a map's JSON (2.6 KB of it), and
 * compressing them cost every `progress` answer with a picture about 0.1 ms of the thread that
 * answers commands (bench/images.ts); the link is shorter too. Links made before carry the whole
 * view, and still open.
 */
export function toLinkPayload(view: PictureView, roadmapOf: RoadmapByTitle | undefined): object {
  if (view.kind !== "progress-map") return view;
  const stages = roadmapOf?.(view.roadmapTitle)?.stages;
  const repeats =
    stages?.length === view.stations.length &&
    view.stations.every(
      (station, i) =>
        station.number === stages[i]?.number &&
        station.title === stages[i]?.title &&
        station.total === stages[i]?.topics.length,
    );
  if (!repeats) return view;
  const { stations, ...rest } = view;
  return { ...rest, stageDone: stations.map((station) => station.done) };
}

/**
 * The view a link's payload describes, stations filled in again from the roadmap; unknown input
 * as it came (the caller checks it against the views' schema), or undefined when the payload names
 * a roadmap this bot does not have or no longer has those stages.
 */
export function fromLinkPayload(payload: unknown, roadmapOf: RoadmapByTitle | undefined): unknown {
  if (typeof payload !== "object" || payload === null || !("stageDone" in payload)) return payload;
  const { stageDone, ...rest } = payload as { stageDone: unknown; roadmapTitle?: unknown };
  const stages = typeof rest.roadmapTitle === "string" ? roadmapOf?.(rest.roadmapTitle)?.stages : undefined;
  if (!stages || !Array.isArray(stageDone) || stageDone.length !== stages.length) return undefined;
  const stations: MapStation[] = stages.map((stage, i) => ({
    number: stage.number,
    title: stage.title,
    done: stageDone[i],
    total: stage.topics.length,
  }));
  return { ...rest, stations };
}

/** Looks roadmaps up by title, the first of a title winning, as the core lists them. */
export function roadmapsByTitle(roadmaps: readonly Roadmap[]): RoadmapByTitle {
  const byTitle = new Map<string, Roadmap>();
  for (const roadmap of roadmaps) if (!byTitle.has(roadmap.title)) byTitle.set(roadmap.title, roadmap);
  return (title) => byTitle.get(title);
}
