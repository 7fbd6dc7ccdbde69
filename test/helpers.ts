import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadContentDir } from "../src/content/load.ts";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";

export const contentDir = path.resolve(import.meta.dirname, "../content");

let shipped: Roadmap[] | undefined;
/** The roadmaps shipped in content/, loaded once per test file. */
export async function shippedRoadmaps(): Promise<Roadmap[]> {
  if (!shipped) {
    const result = await loadContentDir(contentDir);
    if (!result.ok) throw new Error(`content/ does not load: ${JSON.stringify(result.problems)}`);
    shipped = result.roadmaps;
  }
  return shipped;
}

/** Stage 17's topics, in order: what every platform's `stage 17` answer must show. */
export const argoCdTopicTitles = [
  "ArgoCD Architecture",
  "ApplicationSets",
  "Sync Policies & Waves",
  "ArgoCD RBAC & SSO",
  "ArgoCD Image Updater",
];

export const fixedNow = new Date("2026-03-02T10:00:00.000Z");

export const alice: Who = { platform: "test", userId: "U-alice", displayName: "Alice", teamId: "T1" };
export const bob: Who = { platform: "test", userId: "U-bob", displayName: "Bob", teamId: "T1" };

/** The core on an in-memory store and a fixed clock. */
export async function makeCore(options: { store?: Store; now?: () => Date } = {}) {
  const store = options.store ?? openMemoryStore(silentLogger);
  const core = new Core({
    roadmaps: await shippedRoadmaps(),
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: options.now ?? (() => fixedNow),
  });
  return { core, store };
}

/** Runs one command for a person; returns the reply. */
export const ask = (core: Core, text: string, who: Who = alice) => core.handle({ text, who });

/** All text of a reply, one string, for assertions on what a person would read. */
export { renderText as textOf } from "../src/platforms/console/render-text.ts";

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An in-memory store whose reads wait until release() is called: a store that is slow on cue. */
export function gatedStore(): { store: Store; release: () => void } {
  const inner = openMemoryStore(silentLogger);
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const read = inner.get.bind(inner);
  const store: Store = Object.assign(Object.create(inner) as Store, {
    get: async (key: string) => {
      await gate;
      return read(key);
    },
  });
  return { store, release };
}
