// Preloaded (`node --require`) into the twin runs of bench/cli.ts: on exit, writes this process's
// own peak resident set size in kB (getrusage's ru_maxrss) to file descriptor 3, which the bench
// opened as a pipe. CommonJS, so the preload starts no ESM loader in `node -e 0`.
const { writeSync } = require("node:fs");

process.on("exit", () => {
  writeSync(3, String(process.resourceUsage().maxRSS));
});
