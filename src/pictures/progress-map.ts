import { h, type PictureElement, pictureFrame, shape, svg } from "./element.ts";
import { type MapStation, type ProgressMapView, pictureSize, stationState } from "./views.ts";
import { visualOrder } from "./visual-order.ts";

/**
 * The progress map: a roadmap's stages as stations on a snaking line, each station's state drawn
 * by shape (empty ring, part-filled ring, filled disc with a check) so colour never carries it alone.
 * Stations are placed absolutely from stationCentres, so tests can sample the exact pixels.
 */

const colour = {
  background: "#f8fafc",
  ink: "#0f172a",
  muted: "#475569",
  ring: "#64748b",
  ringTrack: "#cbd5e1",
  /** The not-yet-done rest of a started ring: lighter than a fresh ring, darker than the track. */
  ringRest: "#94a3b8",
  arc: "#1d4ed8",
  done: "#15803d",
  here: "#b91c1c",
  white: "#ffffff",
};

const { width, height } = pictureSize;
const headerHeight = 104;
const footerTop = 590;
/** Outermost station centres; the snake's turns bulge beyond them by half a row's height. */
const mapLeft = 84;
const mapRight = width - mapLeft;
const radius = 26;
const ringWidth = 6;
/** Room above a station for the "you are here" pin, and below it for its label. */
const pinHeight = 36;
const labelHeight = 24;
const stationBlock = pinHeight + 2 * radius + labelHeight;

interface Layout {
  perRow: number;
  rowPitch: number;
  columnPitch: number;
  centres: { number: number; x: number; y: number; radius: number; row: number }[];
}

const round = (n: number): number => Math.round(n * 100) / 100;

function layout(view: ProgressMapView): Layout {
  const count = view.stations.length;
  // Up to 7 a row reads best; past 28 stations the rows widen rather than a fifth row squeezing in.
  const rows = Math.max(1, Math.min(4, Math.ceil(count / 7)));
  const perRow = Math.max(1, Math.ceil(count / rows));
  // Capped pitches keep a short roadmap compact and centred, and its turns inside the picture.
  const rowPitch = Math.min(140, (footerTop - headerHeight) / rows);
  const columnPitch = perRow === 1 ? 0 : Math.min(220, (mapRight - mapLeft) / (perRow - 1));
  const top = headerHeight + (footerTop - headerHeight - rows * rowPitch) / 2;
  const left = width / 2 - (columnPitch * (perRow - 1)) / 2;
  const centres = view.stations.map((station, index) => {
    const row = Math.floor(index / perRow);
    const inRow = index % perRow;
    // Odd rows run right to left, so the line never jumps back across the picture.
    const column = row % 2 === 0 ? inRow : perRow - 1 - inRow;
    const x = left + column * columnPitch;
    const y = top + row * rowPitch + (rowPitch - stationBlock) / 2 + pinHeight + radius;
    return { number: station.number, x: round(x), y: round(y), radius, row };
  });
  return { perRow, rowPitch, columnPitch, centres };
}

/** Each station's centre and radius in picture pixels. */
export function stationCentres(view: ProgressMapView): { number: number; x: number; y: number; radius: number }[] {
  return layout(view).centres.map(({ number, x, y, radius }) => ({ number, x, y, radius }));
}

const pinWidth = 132;
const pinLabelHeight = 26;
/** How far the current station's halo stands out from its ring. */
const halo = 4;

/** Where the "you are here" pin's label sits, kept inside the picture at the edges. */
function pinBox(view: ProgressMapView): { left: number; top: number; tipX: number; tipY: number } | undefined {
  if (view.current === undefined) return undefined;
  const centre = layout(view).centres.find((c) => c.number === view.current);
  if (!centre) return undefined;
  const left = Math.min(Math.max(centre.x - pinWidth / 2, 8), width - pinWidth - 8);
  return { left, top: centre.y - radius - pinHeight, tipX: centre.x, tipY: centre.y - radius - halo };
}

/** A point inside the "you are here" pin, or undefined when there is none. */
export function hereMarker(view: ProgressMapView): { x: number; y: number } | undefined {
  const box = pinBox(view);
  return box && { x: round(box.left + pinWidth / 2), y: round(box.top + pinLabelHeight / 2) };
}

/** The line through every station: travelled (leaving a done station) solid, the rest dashed. */
function track(view: ProgressMapView, { centres, rowPitch }: Layout): PictureElement {
  let travelled = "";
  let ahead = "";
  centres.forEach((from, index) => {
    const to = centres[index + 1];
    if (!to) return;
    const turnsRight = from.row % 2 === 0;
    // A row change is a half circle outside the end column: sweep 1 bulges right, 0 left.
    const piece =
      from.row === to.row
        ? `M ${from.x} ${from.y} L ${to.x} ${to.y} `
        : `M ${from.x} ${from.y} A ${round(rowPitch / 2)} ${round(rowPitch / 2)} 0 0 ${turnsRight ? 1 : 0} ${to.x} ${to.y} `;
    const station = view.stations[index];
    if (station && stationState(station) === "done") travelled += piece;
    else ahead += piece;
  });
  const line = (d: string, stroke: string, extra: Record<string, string | number>) =>
    shape("path", { d: d.trim(), fill: "none", stroke, strokeWidth: 8, strokeLinecap: "round", ...extra });
  return h(
    "div",
    { position: "absolute", left: 0, top: 0, width, height, display: "flex" },
    svg(
      { width, height, viewBox: `0 0 ${width} ${height}` },
      ...(ahead ? [line(ahead, colour.ringTrack, { strokeDasharray: "14 10" })] : []),
      ...(travelled ? [line(travelled, colour.done, {})] : []),
    ),
  );
}

/** A station's mark at size 2r: the shape says the state, the colour only backs it up. */
function stationMark(station: MapStation, size: number): PictureElement {
  const c = size / 2;
  const stroke = Math.max(2, (ringWidth * size) / (2 * radius));
  const r = c - stroke / 2;
  const state = stationState(station);
  const attrs = { width: size, height: size, viewBox: `0 0 ${size} ${size}` };
  if (state === "done") {
    const p = (dx: number, dy: number) => `${round(c + dx * c)} ${round(c + dy * c)}`;
    // The check sits low and right of centre, so the disc's own colour shows at the centre.
    return svg(
      attrs,
      shape("circle", { cx: c, cy: c, r: c, fill: colour.done }),
      shape("path", {
        d: `M ${p(-0.42, 0.12)} L ${p(-0.12, 0.44)} L ${p(0.44, -0.22)}`,
        fill: "none",
        stroke: colour.white,
        strokeWidth: stroke,
        strokeLinecap: "round",
        strokeLinejoin: "round",
      }),
    );
  }
  const ring = shape("circle", {
    cx: c,
    cy: c,
    r,
    fill: colour.white,
    stroke: state === "started" ? colour.ringRest : colour.ring,
    strokeWidth: stroke,
  });
  if (state === "not-started") return svg(attrs, ring);
  // The arc runs clockwise from twelve o'clock, as far round as the share of topics done.
  const share = Math.min(1, Math.max(0, station.done / Math.max(1, station.total)));
  const angle = 2 * Math.PI * Math.min(share, 0.9999);
  const end = `${round(c + r * Math.sin(angle))} ${round(c - r * Math.cos(angle))}`;
  return svg(
    attrs,
    ring,
    shape("path", {
      d: `M ${c} ${round(c - r)} A ${round(r)} ${round(r)} 0 ${share > 0.5 ? 1 : 0} 1 ${end}`,
      fill: "none",
      stroke: colour.arc,
      strokeWidth: stroke,
      strokeLinecap: "butt",
    }),
  );
}

const ellipsis = { overflow: "hidden", whiteSpace: "nowrap", textOverflow: "ellipsis" } as const;

/** Where a station's label goes: under it, inside the picture, and clear of a turn leaving its row. */
function labelSpan({ centres, rowPitch, columnPitch, perRow }: Layout, index: number): { left: number; width: number } {
  const centre = centres[index];
  const next = centres[index + 1];
  if (!centre) return { left: 0, width: 0 };
  const half = Math.min(95, perRow === 1 ? 120 : (columnPitch - 18) / 2);
  let left = Math.max(centre.x - half, 10);
  let right = Math.min(centre.x + half, width - 10);
  if (next && next.row !== centre.row) {
    // The turn is a half circle of radius R below the station; at the label's top it is this far out.
    const r = rowPitch / 2;
    const clear = Math.sqrt(Math.max(0, r * r - (r - radius - 4) ** 2)) - 10;
    if (centre.x > width / 2) right = Math.min(right, centre.x + clear);
    else left = Math.max(left, centre.x - clear);
  }
  return { left: round(left), width: round(right - left) };
}

function station(
  view: ProgressMapView,
  item: MapStation,
  centre: { x: number; y: number },
  label: { left: number; width: number },
) {
  const current = item.number === view.current;
  return [
    // The current station gets a halo as well as the pin, so it stands out even where the pin is clamped.
    current &&
      h("div", {
        position: "absolute",
        left: centre.x - radius - halo,
        top: centre.y - radius - halo,
        width: 2 * (radius + halo),
        height: 2 * (radius + halo),
        borderRadius: radius + halo,
        border: `3px solid ${colour.here}`,
        display: "flex",
      }),
    h(
      "div",
      { position: "absolute", left: centre.x - radius, top: centre.y - radius, width: 2 * radius, height: 2 * radius },
      stationMark(item, 2 * radius),
    ),
    h(
      "div",
      {
        position: "absolute",
        left: label.left,
        top: centre.y + radius + (current ? 8 : 4),
        width: label.width,
        display: "flex",
        justifyContent: "center",
        fontSize: 15,
        color: colour.ink,
      },
      h("div", { fontWeight: 700, flexShrink: 0, marginRight: 5 }, String(item.number)),
      h("div", { ...ellipsis, color: colour.muted, flexShrink: 1 }, item.title),
    ),
  ];
}

function pin(view: ProgressMapView): PictureElement | undefined {
  const box = pinBox(view);
  if (!box) return undefined;
  // The tip overlaps the label by a pixel and ends on the halo, so pin and station read as one.
  const tipTop = box.top + pinLabelHeight - 1;
  const tipHeight = box.tipY - tipTop;
  return h(
    "div",
    { position: "absolute", left: 0, top: 0, width, height, display: "flex" },
    h(
      "div",
      {
        position: "absolute",
        left: box.left,
        top: box.top,
        width: pinWidth,
        height: pinLabelHeight,
        borderRadius: pinLabelHeight / 2,
        background: colour.here,
        color: colour.white,
        fontSize: 16,
        fontWeight: 700,
        display: "flex",
        alignItems: "center",
        justifyContent: "center",
      },
      view.people === undefined ? "You are here" : "Team is here",
    ),
    h(
      "div",
      { position: "absolute", left: box.tipX - 8, top: tipTop, width: 16, height: tipHeight },
      svg(
        { width: 16, height: tipHeight, viewBox: `0 0 16 ${tipHeight}` },
        shape("path", { d: `M 0 0 L 16 0 L 8 ${tipHeight} Z`, fill: colour.here }),
      ),
    ),
  );
}

function legend(): PictureElement {
  const sample = (state: MapStation, label: string) =>
    h(
      "div",
      { display: "flex", alignItems: "center", marginLeft: 22 },
      stationMark(state, 24),
      h("div", { marginLeft: 8 }, label),
    );
  return h(
    "div",
    { display: "flex", alignItems: "center", fontSize: 17, color: colour.muted },
    sample({ number: 0, title: "", done: 1, total: 1 }, "Done"),
    sample({ number: 0, title: "", done: 1, total: 3 }, "Started"),
    sample({ number: 0, title: "", done: 0, total: 1 }, "Not started"),
  );
}

function footer(view: ProgressMapView): PictureElement {
  const bar = (done: number, total: number) =>
    h(
      "div",
      { display: "flex", width: 120, height: 8, borderRadius: 4, background: colour.ringTrack, marginTop: 6 },
      h("div", {
        width: Math.round((120 * Math.min(done, total)) / Math.max(1, total)),
        height: 8,
        borderRadius: 4,
        background: colour.ink,
      }),
    );
  return h(
    "div",
    {
      position: "absolute",
      left: 40,
      top: footerTop + 8,
      width: width - 80,
      height: height - footerTop - 24,
      display: "flex",
      alignItems: "center",
      justifyContent: "space-between",
      borderTop: `2px solid ${colour.ringTrack}`,
      paddingTop: 10,
    },
    h(
      "div",
      { display: "flex", alignItems: "baseline", color: colour.ink },
      h("div", { fontSize: 34, fontWeight: 700 }, `${view.done}/${view.total}`),
      h("div", { fontSize: 20, marginLeft: 10, color: colour.muted }, "topics done"),
    ),
    h(
      "div",
      { display: "flex" },
      ...view.levels.map((level) =>
        h(
          "div",
          { display: "flex", flexDirection: "column", marginLeft: 32 },
          h(
            "div",
            { display: "flex", fontSize: 18, color: colour.ink },
            h("div", { color: colour.muted, marginRight: 8 }, level.label),
            h("div", { fontWeight: 700 }, `${level.done}/${level.total}`),
          ),
          bar(level.done, level.total),
        ),
      ),
    ),
  );
}

/** The progress map picture at pictureSize. */
export function progressMapElement(view: ProgressMapView): PictureElement {
  const geometry = layout(view);
  return pictureFrame(
    { background: colour.background, color: colour.ink },
    h(
      "div",
      {
        position: "absolute",
        left: 40,
        top: 24,
        width: width - 80,
        display: "flex",
        alignItems: "center",
        justifyContent: "space-between",
      },
      h(
        "div",
        { display: "flex", flexDirection: "column", maxWidth: 720 },
        h(
          "div",
          { fontSize: 34, fontWeight: 700, ...ellipsis },
          view.people === undefined
            ? visualOrder(view.subject)
            : `${visualOrder(view.subject)} · ${view.people} ${view.people === 1 ? "person" : "people"}`,
        ),
        h("div", { fontSize: 20, color: colour.muted, marginTop: 2, ...ellipsis }, view.roadmapTitle),
      ),
      legend(),
    ),
    track(view, geometry),
    ...view.stations.flatMap((item, index) => {
      const centre = geometry.centres[index];
      return centre
        ? station(view, item, centre, labelSpan(geometry, index)).filter((e): e is PictureElement => e !== false)
        : [];
    }),
    pin(view),
    footer(view),
  );
}
