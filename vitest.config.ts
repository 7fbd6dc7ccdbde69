import { defineConfig } from "vitest/config";

declare module "vitest" {
  export interface ProvidedContext {
    /** Under CI the Redis-backed suites must run; locally they may skip when no server is up. */
    requireServices: boolean;
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
    // The CLI tests spawn the built bin; give them room on a busy 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    provide: { requireServices: process.env.CI === "true" },
  },
});
