import { copyFile, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, loadContentDir } from "../src/content/load.ts";
import { contentDir, withTempDir } from "./helpers.ts";

const shippedFile = "release-engineer.yaml";

/** A content folder holding a copy of the shipped roadmap, and a cache folder beside it. */
const withContent = <T>(fn: (content: string, cache: string) => Promise<T>) =>
  withTempDir(async (dir) => {
    await copyFile(path.join(contentDir, shippedFile), path.join(dir, shippedFile));
    return fn(dir, path.join(dir, "cache"));
  });

const entries = async (cache: string): Promise<string[]> =>
  (await readdir(cache).catch(() => [] as string[])).filter((name) => name.endsWith(".json"));

describe("the parsed-YAML cache", () => {
  it("GIVEN a roadmap loaded twice THEN the second load gives the same roadmap, from one cached entry", async () => {
    await withContent(async (content, cache) => {
      const first = await loadContentDir(content, { yamlCacheDir: cache });
      const second = await loadContentDir(content, { yamlCacheDir: cache });
      expect(first.ok && first.roadmaps[0]?.topics).toHaveLength(112);
      expect(second).toEqual(first);
      expect(await entries(cache)).toHaveLength(1);
    });
  });

  it("GIVEN an entry for the file's text THEN the load takes the data from it instead of parsing", async () => {
    await withContent(async (content, cache) => {
      await loadContentDir(content, { yamlCacheDir: cache });
      const [entry] = await entries(cache);
      const file = path.join(cache, entry ?? "");
      const parsed = JSON.parse(await readFile(file, "utf8")) as { title: string };
      await writeFile(file, JSON.stringify({ ...parsed, title: "Read from the cache" }));
      const result = await loadContentDir(content, { yamlCacheDir: cache });
      expect(result.ok && result.roadmaps[0]?.title).toBe("Read from the cache");
    });
  });

  it("GIVEN the file's text changes THEN it is parsed again under a new entry", async () => {
    await withContent(async (content, cache) => {
      await loadContentDir(content, { yamlCacheDir: cache });
      const file = path.join(content, shippedFile);
      const source = await readFile(file, "utf8");
      await writeFile(file, source.replace(/^title: .*$/m, "title: Renamed roadmap"));
      const result = await loadContentDir(content, { yamlCacheDir: cache });
      expect(result.ok && result.roadmaps[0]?.title).toBe("Renamed roadmap");
      expect(await entries(cache)).toHaveLength(2);
    });
  });

  it("GIVEN cached data the schema rejects THEN the problem is reported as for the file", async () => {
    await withContent(async (content, cache) => {
      await loadContentDir(content, { yamlCacheDir: cache });
      const [entry] = await entries(cache);
      await writeFile(path.join(cache, entry ?? ""), JSON.stringify({ id: "release-engineer" }));
      const result = await loadContentDir(content, { yamlCacheDir: cache });
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems.map(formatProblem).join("\n")).toContain(
        `${path.join(content, shippedFile)}: title`,
      );
    });
  });

  it("GIVEN more versions of a file than the cache keeps THEN it keeps no more than 32 entries", async () => {
    await withContent(async (content, cache) => {
      const file = path.join(content, shippedFile);
      const source = await readFile(file, "utf8");
      for (let version = 0; version < 34; version++) {
        await writeFile(file, source.replace(/^title: .*$/m, `title: Version ${version}`));
        await loadContentDir(content, { yamlCacheDir: cache });
      }
      expect(await entries(cache)).toHaveLength(32);
    });
  });

  it("GIVEN text that is not valid YAML THEN nothing is cached and each load reports it", async () => {
    await withTempDir(async (dir) => {
      await writeFile(path.join(dir, "broken.yaml"), "id: a\nstages: [\n  - oops: : :\n");
      const cache = path.join(dir, "cache");
      for (let load = 0; load < 2; load++) {
        const result = await loadContentDir(dir, { yamlCacheDir: cache });
        expect(!result.ok && result.problems[0]?.message).toMatch(/^not valid YAML/);
      }
      expect(await entries(cache)).toEqual([]);
    });
  });

  it("GIVEN a value JSON cannot hold (.inf) THEN it is not cached, so the schema still sees the number", async () => {
    await withContent(async (content, cache) => {
      const file = path.join(content, shippedFile);
      await writeFile(file, (await readFile(file, "utf8")).replace(/^title: .*$/m, "title: .inf"));
      const result = await loadContentDir(content, { yamlCacheDir: cache });
      expect(!result.ok && result.problems.map(formatProblem).join("\n")).toContain(`${file}: title`);
      expect(await entries(cache)).toEqual([]);
    });
  });

  it("GIVEN a cache folder that cannot be made THEN the content loads all the same", async () => {
    await withContent(async (content) => {
      // Under a regular file, so mkdir fails.
      const cache = path.join(content, shippedFile, "cache");
      const result = await loadContentDir(content, { yamlCacheDir: cache });
      expect(result.ok && result.roadmaps[0]?.topics).toHaveLength(112);
    });
  });
});
