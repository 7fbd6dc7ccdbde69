// `npm run build` (and `npm ci`, through prepare): bundles the CLI into dist/roadmap-bot.cjs.
//
// One file because a one-shot `roadmap-bot ask` spent most of its time finding, reading and
// compiling some 180 modules (our own and zod's) before answering; bundled, and run through V8's
// code cache by bin/roadmap-bot.js, it starts several times sooner. CommonJS because that code
// cache (vm.Script's cachedData) exists for scripts only on Node 20. Types are not checked here:
// `npm run check` (part of `npm test`) runs tsc.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("../", import.meta.url);
const { dependencies } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));

// Bundled in: what every command runs (config, content, the default SQLite store). Every other
// dependency (platform SDKs, other store drivers, metrics, the logger, the scheduler's cron) is
// loaded from node_modules by the code that needs it, only when the configuration asks for it;
// sqlite3 is a native addon and cannot be bundled.
const bundled = new Set(["zod", "keyv", "@keyv/sqlite", "fastest-levenshtein", "ts-fsrs"]);
const external = [...Object.keys(dependencies).filter((name) => !bundled.has(name)), "sqlite3", "tsx"];

/** What both outputs share: one Node 20 file each, source-mapped, whitespace and syntax minified. */
const common = {
  absWorkingDir: new URL(".", root).pathname,
  bundle: true,
  platform: "node",
  target: "node20",
  // Stack traces map back to src/ with `node --enable-source-maps`.
  sourcemap: "linked",
  sourcesContent: false,
  legalComments: "none",
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/roadmap-bot.cjs",
  format: "cjs",
  external,
  // Every import() becomes a require(): the bundle runs as a vm.Script, whose import() needs a
  // loader callback that Node 20 offers only as an experimental feature, with a warning.
  supported: { "dynamic-import": false },
  // src/paths.ts finds the installation from import.meta.url, which a CommonJS bundle lacks: it
  // becomes the bundle's own URL, one level below the root as src/paths.ts is.
  // import.meta.resolve (used only when run from source) becomes CommonJS's own resolver.
  define: { "import.meta.url": "__bundleUrl", "import.meta.resolve": "require.resolve" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
});

// The picture renderer (src/pictures/render-process.ts) runs in a process of its own, so it is a
// file of its own: ESM, since satori is published as ESM only, with every package left in node_modules.
await build({
  ...common,
  entryPoints: ["src/pictures/render-process.ts"],
  outfile: "dist/render-process.mjs",
  format: "esm",
  packages: "external",
});
