import { execFileSync } from "node:child_process";
import path from "node:path";

/** The CLI tests run the real bin, which runs dist/: build it once before any test file. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit",
  });
}
