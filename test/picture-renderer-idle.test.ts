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

describe("the render process's lifetime", () => {
  it("GIVEN no picture yet THEN no render process runs; after the last picture it stops once idle, and the next picture starts another", async () => {
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

  it("GIVEN 7 pictures asked at once THEN the one render process draws each of them", async () => {
    const renderer = new PictureRenderer(silentLogger, undefined, 60_000);
    try {
      const pictures = await Promise.all(Array.from({ length: 7 }, (_, i) => renderer.render(chart(`chart ${i}`))));
      for (const picture of pictures) expect(picture.png.subarray(1, 4).toString()).toBe("PNG");
      expect(new Set(pictures.map((picture) => picture.png.toString("base64"))).size).toBe(7);
    } finally {
      await renderer.close();
    }
  });

  it("GIVEN a link's view prefetched while the process is idle THEN it is drawn once, ahead; while the process is busy THEN a prefetch is skipped", async () => {
    const renderer = new PictureRenderer(silentLogger, undefined, 60_000);
    try {
      renderer.prefetch(chart("ahead"));
      expect(renderer.running).toBe(true);
      const drawn = await renderer.render(chart("ahead"));
      expect(renderer.cached.pictures).toBe(1);
      expect(await renderer.render(chart("ahead"))).toBe(drawn);
      const busy = renderer.render(chart("asked"));
      renderer.prefetch(chart("skipped"));
      expect(renderer.owed).toBe(1);
      await busy;
      expect(renderer.owed).toBe(0);
      expect(renderer.cached.pictures).toBe(2);
    } finally {
      await renderer.close();
    }
  });

  it("GIVEN the render process is killed while it owes a picture THEN that picture fails, this process goes on, and a new render process draws the next", async () => {
    const renderer = new PictureRenderer(silentLogger, undefined, 60_000);
    try {
      await renderer.render(chart("before"));
      const crashed = renderer.processId;
      expect(crashed).toBeTypeOf("number");
      const owed = renderer.render(chart("owed"));
      process.kill(crashed as number, "SIGKILL");
      await expect(owed).rejects.toThrow("the picture process stopped (SIGKILL)");
      const after = await renderer.render(chart("after"));
      expect(after.png.subarray(1, 4).toString()).toBe("PNG");
      expect(renderer.processId).toBeTypeOf("number");
      expect(renderer.processId).not.toBe(crashed);
    } finally {
      await renderer.close();
    }
  });
});
