import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { installPath } from "../paths.ts";

/**
 * Where parsed roadmap files are kept: node_modules/.cache (the usual home of tool caches) of this
 * installation, so a reinstall of the dependencies, the YAML parser among them, starts it afresh.
 */
export const defaultYamlCacheDir = installPath("node_modules/.cache/roadmap-bot/yaml/");

/** Entries kept; the oldest go when there are more (tests and edits leave one per version of a file). */
const maxEntries = 32;

/**
 * What a roadmap's YAML parses to, stored as JSON under the hash of its text. Parsing the YAML is
 * the largest part of loading content (tens of milliseconds, most of a one-shot `ask`); reading
 * the JSON back takes well under one. Only the parse is cached: the schema and the cross-checks
 * run on every load, so a change to them in the code always applies. A cache that cannot be read
 * or written (a read-only install) only means parsing again.
 */
export class YamlCache {
  constructor(private readonly dir: string) {}

  private file(source: string): string {
    return path.join(this.dir, `${createHash("sha256").update(source).digest("hex")}.json`);
  }

  async get(source: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.file(source), "utf8"));
    } catch {
      return undefined;
    }
  }

  /** Drops what is kept for `source`, so its next load parses it (a first run, as benchmarks measure it). */
  async forget(source: string): Promise<void> {
    await rm(this.file(source), { force: true });
  }

  /** Keeps `parsed` for `source`, unless JSON could not give it back exactly (e.g. `.inf`). */
  async set(source: string, parsed: unknown): Promise<void> {
    if (!isJsonExact(parsed)) return;
    const file = this.file(source);
    // Written aside and renamed, so a process reading at the same time sees all of it or none.
    const partial = `${file}.${randomUUID()}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(partial, JSON.stringify(parsed));
      await rename(partial, file);
      await this.prune();
    } catch {
      await rm(partial, { force: true }).catch(() => undefined);
    }
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith(".json"));
    if (names.length <= maxEntries) return;
    const dated = await Promise.all(
      names.map(async (name) => {
        const file = path.join(this.dir, name);
        return { file, mtime: (await stat(file).catch(() => undefined))?.mtimeMs ?? 0 };
      }),
    );
    dated.sort((a, b) => a.mtime - b.mtime);
    await Promise.all(dated.slice(0, dated.length - maxEntries).map(({ file }) => rm(file, { force: true })));
  }
}

/** Whether JSON.parse(JSON.stringify(value)) gives value back: plain data with finite numbers only. */
function isJsonExact(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonExact);
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isJsonExact);
}
