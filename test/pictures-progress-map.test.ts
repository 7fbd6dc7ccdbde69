import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { hereMarker, progressMapElement, stationCentres } from "../src/pictures/progress-map.ts";
import { type Rendered, renderPicture } from "../src/pictures/render.ts";
import { altText, type MapStation, type ProgressMapView, pictureSize } from "../src/pictures/views.ts";
import { visualOrder } from "../src/pictures/visual-order.ts";

/** Stages 1 to 9 done, 10 started at 3 of 5, 11 to 26 not started: 37 of 112 topics. */
function fixedView(overrides: Partial<ProgressMapView> = {}): ProgressMapView {
  const totals = [4, 4, 4, 4, 4, 4, 4, 3, 3, 5, ...Array.from({ length: 16 }, (_, i) => (i < 9 ? 5 : 4))];
  const stations: MapStation[] = totals.map((total, index) => {
    const number = index + 1;
    return { number, title: `Stage ${number} title`, total, done: number <= 9 ? total : number === 10 ? 3 : 0 };
  });
  return {
    kind: "progress-map",
    roadmapTitle: "Release Engineer Beginner to Expert",
    subject: "Ann",
    stations,
    current: 10,
    done: 37,
    total: 112,
    levels: [
      { level: "required", label: "Required", done: 25, total: 60 },
      { level: "recommended", label: "Recommended", done: 10, total: 36 },
      { level: "optional", label: "Optional", done: 2, total: 16 },
    ],
    ...overrides,
  };
}

/** A view of any size, for the layout checks that need no rendering. */
function viewOf(count: number): ProgressMapView {
  const stations = Array.from({ length: count }, (_, i) => ({ number: i + 1, title: `S${i + 1}`, done: 0, total: 3 }));
  return { ...fixedView(), stations, current: count, done: 0, total: 3 * count };
}

type Rgb = [number, number, number];

function pixel(png: PNG, x: number, y: number): Rgb {
  const at = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[at] ?? 0, png.data[at + 1] ?? 0, png.data[at + 2] ?? 0];
}

const distance = (a: Rgb, b: Rgb): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
/** Relative luminance, roughly: telling states apart by it shows colour is not all that differs. */
const luminance = ([r, g, b]: Rgb): number => (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;

function centreOf(view: ProgressMapView, number: number) {
  const centre = stationCentres(view).find((c) => c.number === number);
  if (!centre) throw new Error(`no station ${number}`);
  return centre;
}

/** A point on a station's ring, a share of the way round clockwise from twelve o'clock. */
function onRing(view: ProgressMapView, number: number, share: number): Rgb[] {
  const { x, y, radius } = centreOf(view, number);
  const angle = 2 * Math.PI * share;
  // The ring's stroke is about 6px wide; sample its middle and just either side.
  return [radius - 2, radius - 3, radius - 4].map((r) => pixel(png, x + r * Math.sin(angle), y - r * Math.cos(angle)));
}

let rendered: Rendered;
let png: PNG;

describe("progress map picture", () => {
  beforeAll(async () => {
    rendered = await renderPicture(progressMapElement(fixedView()), pictureSize);
    png = PNG.sync.read(rendered.png);
  });

  it("GIVEN the fixed view THEN the PNG is 1200x675", () => {
    expect([png.width, png.height]).toEqual([1200, 675]);
  });

  it("GIVEN a done and a not-started station THEN their centres differ in lightness: a filled disc, an empty ring", () => {
    const done = pixel(png, centreOf(fixedView(), 5).x, centreOf(fixedView(), 5).y);
    const fresh = pixel(png, centreOf(fixedView(), 20).x, centreOf(fixedView(), 20).y);
    expect(distance(done, fresh)).toBeGreaterThan(150);
    expect(luminance(done)).toBeLessThan(0.4);
    expect(luminance(fresh)).toBeGreaterThan(0.9);
  });

  it("GIVEN station 10 started at 3 of 5 THEN the arc colour covers its ring up to 60% and not beyond", () => {
    const arc = onRing(fixedView(), 10, 0.3);
    const rest = onRing(fixedView(), 10, 0.8);
    // Blue, well saturated, on the arc; the rest of the ring is a plain grey of another lightness.
    for (const [r, , b] of arc) expect(b - r).toBeGreaterThan(120);
    for (const grey of rest) expect(Math.abs(luminance(grey) - luminance(arc[0] ?? [0, 0, 0]))).toBeGreaterThan(0.15);
  });

  it("GIVEN current stage 10 THEN the you-are-here marker is drawn, nearest station 10", () => {
    const marker = hereMarker(fixedView());
    if (!marker) throw new Error("no marker");
    const background = pixel(png, 4, 4);
    expect(distance(pixel(png, marker.x, marker.y), background)).toBeGreaterThan(100);
    const nearest = stationCentres(fixedView()).sort(
      (a, b) => Math.hypot(a.x - marker.x, a.y - marker.y) - Math.hypot(b.x - marker.x, b.y - marker.y),
    )[0];
    expect(nearest?.number).toBe(10);
  });

  it("GIVEN no current stage THEN there is no marker and the spot it had is background", async () => {
    const marker = hereMarker(fixedView());
    const view = fixedView({ current: undefined });
    expect(hereMarker(view)).toBeUndefined();
    const plain = PNG.sync.read((await renderPicture(progressMapElement(view), pictureSize)).png);
    if (!marker) throw new Error("no marker in the fixed view");
    expect(distance(pixel(plain, marker.x, marker.y), pixel(plain, 4, 4))).toBeLessThan(10);
  });

  it("GIVEN 1 to 40 stations THEN every station lies inside the picture and none overlap", () => {
    for (let count = 1; count <= 40; count++) {
      const centres = stationCentres(viewOf(count));
      expect(centres).toHaveLength(count);
      for (const [index, c] of centres.entries()) {
        expect(c.x - c.radius).toBeGreaterThanOrEqual(0);
        expect(c.x + c.radius).toBeLessThanOrEqual(pictureSize.width);
        expect(c.y - c.radius).toBeGreaterThanOrEqual(0);
        expect(c.y + c.radius).toBeLessThanOrEqual(pictureSize.height);
        for (const other of centres.slice(index + 1)) {
          expect(Math.hypot(c.x - other.x, c.y - other.y)).toBeGreaterThan(c.radius + other.radius);
        }
      }
      const marker = hereMarker(viewOf(count));
      expect(marker && marker.x > 0 && marker.x < pictureSize.width && marker.y > 0).toBe(true);
    }
  });

  it("GIVEN the fixed view THEN its alt text says where Ann is and what is done", () => {
    expect(altText(fixedView())).toBe(
      "Ann's progress map of Release Engineer Beginner to Expert. Stage 10 of 26, 37 of 112 topics done; " +
        "stages 1 to 9 done. By level: Required 25 of 60, Recommended 10 of 36, Optional 2 of 16.",
    );
  });

  it("GIVEN a Hebrew name THEN the header draws it in visual order, as the leaderboard card does", () => {
    const tree = JSON.stringify(progressMapElement({ ...fixedView(), subject: "שירה" }));
    expect(tree).toContain(JSON.stringify(visualOrder("שירה")));
    expect(tree).not.toContain(JSON.stringify("שירה"));
  });

  it("GIVEN the fixed view THEN the SVG is the same on every render and matches the snapshot", async () => {
    const again = await renderPicture(progressMapElement(fixedView()), pictureSize);
    expect(again.svg).toBe(rendered.svg);
    expect(rendered.svg).toMatchSnapshot();
  });
});
