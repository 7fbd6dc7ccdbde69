import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { PictureRenderer } from "../src/pictures/picture-renderer.ts";
import type { WeeklyChartView } from "../src/pictures/views.ts";

const chart = (title: string): WeeklyChartView => ({
  kind: "weekly-chart",
  title,
  days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((label) => ({ label, done: 1 })),
  lastWeekTotal: 3,
});

describe("the picture worker's lifetime", () => {
  it("GIVEN no picture yet THEN no worker runs; after the last picture it stops once idle, and the next picture starts another", async () => {
    const renderer = new PictureRenderer(silentLogger, undefined, 50);
    try {
      expect(renderer.running).toBe(false);
      const first = await renderer.render(chart("first"));
      expect(first.png.subarray(1, 4).toString()).toBe("PNG");
      expect(renderer.running).toBe(true);
      for (let tries = 0; renderer.running && tries < 400; tries++) await new Promise((r) => setTimeout(r, 10));
      expect(renderer.running).toBe(false);
      const second = await renderer.render(chart("second"));
      expect(second.png.subarray(1, 4).toString()).toBe("PNG");
      expect(renderer.running).toBe(true);
    } finally {
      await renderer.close();
    }
  });

  it("GIVEN a worker recycled every 2 pictures and 7 asked at once THEN each is drawn, by the old workers finishing theirs and fresh ones taking the rest", async () => {
    const renderer = new PictureRenderer(silentLogger, undefined, 60_000, 2);
    try {
      const pictures = await Promise.all(Array.from({ length: 7 }, (_, i) => renderer.render(chart(`chart ${i}`))));
      for (const picture of pictures) expect(picture.png.subarray(1, 4).toString()).toBe("PNG");
      expect(new Set(pictures.map((picture) => picture.png.toString("base64"))).size).toBe(7);
    } finally {
      await renderer.close();
    }
  });
});
