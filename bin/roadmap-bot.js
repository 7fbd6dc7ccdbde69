#!/usr/bin/env node
// Runs the CLI, bundled into dist/roadmap-bot.cjs by `npm run build` (npm ci does it), through
// V8's code cache: what an earlier run compiled is kept in node_modules/.cache/roadmap-bot/v8/ and
// handed back to V8, so a one-shot `roadmap-bot ask` does not compile the bundle again (that was
// about a quarter of its time). The cache belongs to one build of the bundle and one Node: its name
// says which, and V8 rejects data that does not fit. A cache that cannot be read or written (a
// read-only install, as in the Docker image) only means compiling, as without it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const bundle = fileURLToPath(new URL("../dist/roadmap-bot.cjs", import.meta.url));
const cacheDir = fileURLToPath(new URL("../node_modules/.cache/roadmap-bot/v8/", import.meta.url));

let source;
let built;
try {
  source = readFileSync(bundle, "utf8");
  built = statSync(bundle);
} catch (error) {
  if (error?.code !== "ENOENT") throw error;
  console.error("roadmap-bot: dist/ is missing. Run `npm run build` (npm ci does it for you).");
  process.exit(2);
}

const cacheFile = path.join(
  cacheDir,
  `${process.version}-${process.arch}-${built.size}-${Math.trunc(built.mtimeMs)}.bin`,
);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}

const script = new vm.Script(Module.wrap(source), {
  filename: bundle,
  cachedData,
});

if (cachedData === undefined || script.cachedDataRejected) {
  // Made at exit, not now: V8 then includes every function this run compiled, not only the top level.
  process.once("exit", () => {
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed, so a process starting meanwhile reads all of it or none.
      const partial = `${cacheFile}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
      // A new cache means the bundle or Node changed: the caches of earlier ones are of no more use.
      for (const name of readdirSync(cacheDir)) {
        if (name !== path.basename(cacheFile) && name.endsWith(".bin"))
          rmSync(path.join(cacheDir, name), { force: true });
      }
    } catch {}
  });
}

const module = new Module(bundle);
module.filename = bundle;
module.paths = Module._nodeModulePaths(path.dirname(bundle));
const require = Module.createRequire(bundle);
script.runInThisContext().call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
