import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contentDir, withTempDir } from "./helpers.ts";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "roadmap-bot.js");
const cacheDir = path.join(root, "node_modules", ".cache", "roadmap-bot", "v8");
const bundle = statSync(path.join(root, "dist", "roadmap-bot.cjs"));
/** The name bin/roadmap-bot.js gives the cache of this build of the bundle on this Node. */
const cacheFile = path.join(
  cacheDir,
  `${process.version}-${process.arch}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}.bin`,
);

const ask = (dir: string) =>
  spawnSync(process.execPath, [bin, "ask", "stage 17"], {
    env: {
      PATH: process.env.PATH ?? "",
      CONTENT_DIR: contentDir,
      STORE_URL: `sqlite://${path.join(dir, "bot.sqlite")}`,
    },
    encoding: "utf8",
  });

describe("the bin's V8 code cache", () => {
  it("GIVEN a run of the CLI THEN the bundle's code cache for this Node is kept, and nothing of another build stays", async () => {
    await withTempDir(async (dir) => {
      const run = ask(dir);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("Stage 17 · ArgoCD");
      expect(statSync(cacheFile).size).toBeGreaterThan(10_000);
      // Other test files run the bin at the same time, each writing aside first: only their
      // partial files of the same build may be seen next to it.
      const others = readdirSync(cacheDir).filter((name) => name.endsWith(".bin") && name !== path.basename(cacheFile));
      expect(others).toEqual([]);
    });
  });

  it("GIVEN a cache file of garbage WHEN the CLI runs THEN V8 rejects it, the answer is right, and the cache is made again", async () => {
    await withTempDir(async (dir) => {
      expect(ask(dir).status).toBe(0);
      writeFileSync(cacheFile, Buffer.alloc(4096, 0x5a));
      const run = ask(dir);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("Stage 17 · ArgoCD");
      const remade = readFileSync(cacheFile);
      expect(remade.length).toBeGreaterThan(10_000);
      expect(remade.subarray(0, 4096).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    });
  });
});
