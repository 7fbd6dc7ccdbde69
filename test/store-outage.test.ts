import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import type { Who } from "../src/core/command.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import { startBot } from "../src/main.ts";
import { createMetrics } from "../src/metrics.ts";
import { repositories } from "../src/repositories.ts";
import { keys } from "../src/store/keys.ts";
import { openStore } from "../src/store/open-store.ts";
import { type Store, StoreError } from "../src/store/store.ts";
import { contentDir, fixedNow, shippedRoadmaps, textOf } from "./helpers.ts";
import { serviceAvailable } from "./services.ts";
import { TcpProxy } from "./tcp-proxy.ts";

/** A Redis database of its own (11), reached through a proxy the test can pause. */
const database = 11;

describe("a Redis store that stops answering", async () => {
  const available = await serviceAvailable("Redis", 6379);
  const proxy = new TcpProxy(6379);
  let store: Store;
  const metrics = createMetrics({ defaultMetrics: false });
  let core: Core;
  const who: Who = { platform: "test", userId: `U-outage-${process.pid}`, displayName: "Olga", teamId: "T-outage" };

  beforeAll(async () => {
    if (!available) return;
    await proxy.start();
    store = await openStore(`redis://127.0.0.1:${proxy.port}/${database}`, silentLogger, { metrics });
    core = new Core({
      roadmaps: await shippedRoadmaps(),
      ...repositories(store, silentLogger, "UTC"),
      logger: silentLogger,
      clock: () => fixedNow,
    });
  });

  afterAll(async () => {
    if (!available) return;
    proxy.resume();
    await store.delete(keys.progress("release-engineer", who)).catch(() => undefined);
    await store.close();
    await proxy.stop();
  });

  it.skipIf(!available)(
    "GIVEN Redis paused mid-session THEN reads, writes and locks fail with a StoreError and are counted, commands say storage is unavailable and save nothing, and all recovers when it answers again",
    async () => {
      expect((await core.handle({ text: "done helm-templating", who })).outcome).toBe("ok");

      proxy.pause();
      await expect(store.get("anything")).rejects.toThrow(StoreError);
      await expect(store.set("anything", 1)).rejects.toThrow(StoreError);
      await expect(store.withLock("anything", async () => 1)).rejects.toThrow(StoreError);
      for (const text of ["done argocd-architecture", "progress", "leaderboard"]) {
        const reply = await core.handle({ text, who });
        expect(reply.outcome, text).toBe("internal-error");
        expect(textOf(reply), text).toMatch(/storage/i);
        expect(textOf(reply), text).toContain("minute");
        expect(textOf(reply), text).not.toMatch(/marked|saved\b(?! )/i);
      }

      const failures = await metrics.registry.getSingleMetricAsString("roadmap_bot_store_errors_total");
      for (const operation of ["read", "write", "lock"])
        expect(failures).toMatch(new RegExp(`store="redis",operation="${operation}"} [1-9]`));
      const waits = await metrics.registry.getSingleMetricAsString("roadmap_bot_lock_wait_seconds");
      expect(waits).toMatch(/roadmap_bot_lock_wait_seconds_count\{store="redis"} [1-9]/);

      proxy.resume();
      let progress = await core.handle({ text: "progress", who });
      for (let attempt = 0; attempt < 50 && progress.outcome !== "ok"; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        progress = await core.handle({ text: "progress", who });
      }
      expect(progress.outcome).toBe("ok");
      // Only the done before the outage counts: the one during it was refused, not half-saved.
      expect(textOf(progress)).toContain("1/112");
      expect((await core.handle({ text: "done argocd-architecture", who })).outcome).toBe("ok");
      expect(textOf(await core.handle({ text: "progress", who }))).toContain("2/112");
    },
    60_000,
  );

  it.skipIf(!available)(
    "GIVEN the bot running on that Redis THEN /readyz turns 503 while Redis is paused and 200 when it answers again, and /healthz stays 200",
    async () => {
      const bot = await startBot(loadConfig({ PORT: "0", CONTENT_DIR: contentDir, LOG_LEVEL: "silent" }), {
        store: await openStore(`redis://127.0.0.1:${proxy.port}/${database}`, silentLogger),
        cron: false,
      });
      const get = (path: string) => fetch(`http://127.0.0.1:${bot.port}${path}`).then((response) => response.status);
      try {
        expect(await get("/readyz")).toBe(200);
        proxy.pause();
        expect(await get("/readyz")).toBe(503);
        expect(await get("/healthz")).toBe(200);
        proxy.resume();
        let status = await get("/readyz");
        for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = await get("/readyz");
        }
        expect(status).toBe(200);
      } finally {
        proxy.resume();
        await bot.stop();
      }
    },
    60_000,
  );
});
