import { execFileSync } from "node:child_process";
import path from "node:path";

/** The CLI tests run the real bin, which runs the bundle in dist/: build it once before any test file. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "..");
  execFileSync(process.execPath, [path.join(root, "scripts", "build.js")], { cwd: root, stdio: "inherit" });
}
