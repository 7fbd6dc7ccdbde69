import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeSlack } from "./e2e/fake-slack.ts";
import { contentDir, withTempDir } from "./helpers.ts";

const bin = path.resolve(import.meta.dirname, "../bin/roadmap-bot.js");
const recorder = path.resolve(import.meta.dirname, "fixtures/record-loads.mjs");

/** What only a server, a platform or another store needs: a one-shot command must load none of it. */
const serverOnly = [
  "@slack/bolt",
  "@slack/web-api",
  "discord.js",
  "prom-client",
  "@keyv/redis",
  "@redis/client",
  "pg",
  "@keyv/postgres",
  "pino",
];

interface Recorded {
  code: number | null;
  stdout: string;
  /** The packages under node_modules that the process loaded a file of. */
  packages: Set<string>;
}

/** Runs the built bin with the load recorder preloaded; `whenReady` may end it (a server) once it printed that. */
async function recordLoads(
  dir: string,
  args: string[],
  env: Record<string, string>,
  whenReady?: { stderrIncludes: string },
): Promise<Recorded> {
  const list = path.join(dir, `loads-${args[0]}-${Date.now()}.txt`);
  const child = spawn(process.execPath, ["--import", recorder, bin, ...args], {
    env: { PATH: process.env.PATH ?? "", RECORD_LOADS_TO: list, CONTENT_DIR: contentDir, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  let stopping = false;
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    // Once: a second SIGTERM during the shutdown would kill it, since the bot listens for one.
    if (whenReady && !stopping && stderr.includes(whenReady.stderrIncludes)) {
      stopping = true;
      child.kill("SIGTERM");
    }
  });
  const [code] = (await once(child, "close")) as [number | null];
  const lines = (await readFile(list, "utf8")).split("\n");
  const packages = new Set(
    lines.flatMap((line) => {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
      return match?.[1] ? [match[1]] : [];
    }),
  );
  if (code !== 0) throw new Error(`roadmap-bot ${args.join(" ")} exited ${code}: ${stderr}`);
  return { code, stdout, packages };
}

const sqliteEnv = (dir: string) => ({ STORE_URL: `sqlite://${path.join(dir, "bot.sqlite")}` });

describe("what the CLI loads", () => {
  it("GIVEN a SQLite store WHEN `ask stage 17` answers THEN no platform SDK, metrics, other store driver or pino was loaded", async () => {
    await withTempDir(async (dir) => {
      // The first run may parse the YAML (and so load the parser); the steady case is every later run.
      await recordLoads(dir, ["ask", "stage 17"], sqliteEnv(dir));
      const { stdout, packages } = await recordLoads(dir, ["ask", "stage 17"], sqliteEnv(dir));
      expect(stdout).toContain("Stage 17 · ArgoCD");
      // The recorder sees what the command does need, so an empty record cannot pass: the SQLite
      // driver (zod and @keyv/sqlite are inside the bundle, so they are no files of their own).
      expect(packages).toContain("sqlite3");
      for (const name of [...serverOnly, "yaml", "node-cron"]) expect(packages).not.toContain(name);
    });
  });

  it("GIVEN no platform configured WHEN the console starts and its input ends THEN it loaded the scheduler's cron but no server package", async () => {
    await withTempDir(async (dir) => {
      const { stdout, packages } = await recordLoads(dir, ["console"], sqliteEnv(dir));
      expect(stdout).toContain("roadmap-bot console");
      expect(packages).toContain("node-cron");
      for (const name of serverOnly) expect(packages).not.toContain(name);
    });
  });

  describe("GIVEN Slack is configured", () => {
    const slack = new FakeSlack();
    beforeAll(() => slack.start());
    afterAll(() => slack.stop());

    it("WHEN `start` serves THEN it loaded Bolt and prom-client, and still no Discord or other store driver", async () => {
      await withTempDir(async (dir) => {
        const { packages } = await recordLoads(
          dir,
          ["start"],
          {
            ...sqliteEnv(dir),
            SLACK_BOT_TOKEN: "xoxb-loads-test",
            SLACK_SIGNING_SECRET: "loads-test-secret",
            SLACK_API_URL: slack.apiUrl,
            PORT: "0",
            LOG_LEVEL: "info",
          },
          { stderrIncludes: "http server listening" },
        );
        for (const name of ["@slack/bolt", "prom-client", "pino"]) expect(packages).toContain(name);
        for (const name of ["discord.js", "@keyv/redis", "pg", "@keyv/postgres"]) expect(packages).not.toContain(name);
      });
    });
  });
});
