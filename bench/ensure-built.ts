import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "dist", "roadmap-bot.cjs");

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return latest;
}

/** The bin runs the bundle in dist/: made again when src/ or the build script changed since. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {}
  const sources = Math.max(newest(path.join(root, "src")), statSync(path.join(root, "scripts", "build.js")).mtimeMs);
  if (built >= sources) return;
  console.error("dist/ is older than src/: building");
  const result = spawnSync(process.execPath, [path.join(root, "scripts", "build.js")], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build failed");
}
