#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
try {
  await import("../dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    console.error("roadmap-bot: dist/ is missing. Run `npm run build` (npm ci does it for you).");
    process.exit(2);
  }
  throw error;
}
