import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** dist/ is what the bin runs: rebuilt when any src/ file is newer than its output. */
export function ensureBuilt(): void {
  const stale: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const out = path.join(root, "dist", path.relative(path.join(root, "src"), file)).replace(/\.ts$/, ".js");
        let outMtime = 0;
        try {
          outMtime = statSync(out).mtimeMs;
        } catch {}
        if (outMtime < statSync(file).mtimeMs) stale.push(path.relative(root, file));
      }
    }
  };
  walk(path.join(root, "src"));
  if (stale.length === 0) return;
  console.error(`dist/ is older than ${stale.length} file(s) of src/ (${stale[0]}…): building`);
  const built = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (built.status !== 0) throw new Error("npm run build failed");
}
