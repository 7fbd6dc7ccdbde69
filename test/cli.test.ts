import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { argoCdTopicTitles, contentDir, withTempDir } from "./helpers.ts";
import { redisTestUrl, serviceAvailable } from "./services.ts";

const bin = path.resolve(import.meta.dirname, "../bin/roadmap-bot.js");
const run = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `roadmap-bot` bin in a clean environment with the given variables. */
async function cli(args: string[], env: Record<string, string>): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const inTempStore = <T>(fn: (env: Record<string, string>) => Promise<T>) =>
  withTempDir((dir) => fn({ STORE_URL: `sqlite://${path.join(dir, "data", "bot.sqlite")}`, CONTENT_DIR: contentDir }));

describe("roadmap-bot ask", () => {
  it("GIVEN `/roadmap stage 17` THEN it prints ArgoCD with its five topics and exits 0", async () => {
    await inTempStore(async (env) => {
      const { code, stdout } = await cli(["ask", "/roadmap stage 17"], env);
      expect(code).toBe(0);
      expect(stdout).toContain("Stage 17 · ArgoCD");
      for (const title of argoCdTopicTitles) {
        expect(stdout).toContain(title);
      }
    });
  });

  it("GIVEN progress written by one ask THEN the next ask reads it back", async () => {
    await inTempStore(async (env) => {
      expect((await cli(["ask", "done argocd-architecture", "--user", "U1"], env)).stdout).toContain("1/112 done (1%)");
      const progress = await cli(["ask", "progress", "--user", "U1"], env);
      expect(progress.stdout).toContain("1/112   1%  Overall");
      const someoneElse = await cli(["ask", "progress", "--user", "U2"], env);
      expect(someoneElse.stdout).toContain("0/112   0%  Overall");
    });
  });

  it("GIVEN `progress --image` THEN the text answer is printed, the map is written as a 1200x675 PNG by the render process, and the command exits", async () => {
    await inTempStore(async (env) => {
      const file = path.join(path.dirname(env.STORE_URL?.replace("sqlite://", "") ?? ""), "map.png");
      await cli(["ask", "done argocd-architecture", "--user", "U1"], env);
      const { code, stdout, stderr } = await cli(["ask", "progress", "--user", "U1", "--image", file], env);
      expect(code).toBe(0);
      expect(stdout).toContain("1/112   1%  Overall");
      expect(stderr).toContain(`Wrote ${file} (`);
      const png = PNG.sync.read(await readFile(file));
      expect([png.width, png.height]).toEqual([1200, 675]);
    });
  });

  it.each([
    ["stage 99"],
    ["stage abc"],
    ["stage -1"],
    [""],
    ["unknown-subcommand"],
    ["done no-such-topic"],
    ["stage \u0001\u0002"],
  ])("GIVEN %j THEN one helpful line and exit 1", async (text) => {
    await inTempStore(async (env) => {
      const { code, stdout, stderr } = await cli(["ask", text], env);
      expect(code).toBe(1);
      expect(stdout.trim().split("\n")).toHaveLength(1);
      expect(stdout).toMatch(/Try|Type|Did you mean|For example/);
      expect(stderr).toBe("");
    });
  });

  it("GIVEN a 10,000-character argument THEN one short line and exit 1", async () => {
    await inTempStore(async (env) => {
      const { code, stdout } = await cli(["ask", `topic ${"a".repeat(10_000)}`], env);
      expect(code).toBe(1);
      expect(stdout.length).toBeLessThan(200);
    });
  });

  it("GIVEN `ask stage -1` without quotes THEN -1 is part of the text, not an option", async () => {
    await inTempStore(async (env) => {
      const { code, stdout } = await cli(["ask", "stage", "-1"], env);
      expect(code).toBe(1);
      expect(stdout).toContain("There is no stage “-1”");
    });
  });

  it.each([
    ["no command", []],
    ["an unknown command", ["frobnicate"]],
    ["an empty --user", ["ask", "next", "--user", ""]],
  ])("GIVEN %s THEN a usage line on stderr and exit 1", async (_, args) => {
    const { code, stderr } = await cli(args, { CONTENT_DIR: contentDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^roadmap-bot: .+ See roadmap-bot --help\.\n$/);
  });

  it("GIVEN a store file that is not a database THEN it names STORE_URL, prints no stack, exits 2", async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, "not-a-db.sqlite");
      await writeFile(file, "x".repeat(4096));
      const { code, stderr } = await cli(["ask", "next"], {
        STORE_URL: `sqlite://${file}`,
        CONTENT_DIR: contentDir,
        LOG_LEVEL: "silent",
      });
      expect(code).toBe(2);
      expect(stderr).toBe(
        `roadmap-bot: Cannot open STORE_URL=sqlite://${file}: SQLITE_NOTADB: file is not a database\n`,
      );
    });
  });

  it("GIVEN a bad STORE_URL THEN it names the variable and exits 2", async () => {
    const { code, stderr } = await cli(["ask", "next"], { STORE_URL: "mysql://x", CONTENT_DIR: contentDir });
    expect(code).toBe(2);
    expect(stderr).toContain("STORE_URL must be sqlite://PATH, redis://HOST:PORT or postgres://USER:PASS@HOST:5432/DB");
  });

  it("GIVEN a content folder that does not exist THEN it says to set CONTENT_DIR and exits 2", async () => {
    await inTempStore(async (env) => {
      const { code, stderr } = await cli(["ask", "next"], { ...env, CONTENT_DIR: "/nonexistent" });
      expect(code).toBe(2);
      expect(stderr).toContain("set CONTENT_DIR");
    });
  });
});

describe("roadmap-bot lint-content", () => {
  it("GIVEN one file instead of a folder THEN that file is checked", async () => {
    const { code, stdout } = await cli(["lint-content", path.join(contentDir, "release-engineer.yaml")], {});
    expect(code).toBe(0);
    expect(stdout).toContain("26 stages, 112 topics");
  });

  it("GIVEN a roadmap whose id is a command name THEN lint-content rejects it", async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        path.join(dir, "next.yaml"),
        "id: next\ntitle: Next\nstages:\n  - number: 1\n    id: one\n    title: One\n    summary: First.\n    topics:\n      - id: a\n        title: A\n        level: required\n        description: D\n",
      );
      const { code, stderr } = await cli(["lint-content", dir], {});
      expect(code).toBe(1);
      expect(stderr).toContain('next.yaml: id: "next" is a command name; pick another roadmap id');
    });
  });

  it("GIVEN the shipped content THEN it reports 26 stages and 112 topics and exits 0", async () => {
    const { code, stdout } = await cli(["lint-content", contentDir], {});
    expect(code).toBe(0);
    expect(stdout).toContain("release-engineer.yaml: 26 stages, 112 topics");
  });

  it("GIVEN a broken file THEN it names file, stage and field and exits non-zero", async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        path.join(dir, "team.yaml"),
        "id: team\ntitle: Team\nstages:\n  - number: 1\n    id: one\n    title: One\n    summary: First.\n    topics:\n      - id: a\n        title: A\n        level: must\n        description: D\n",
      );
      const { code, stderr } = await cli(["lint-content", dir], {});
      expect(code).toBe(1);
      expect(stderr).toContain(`${path.join(dir, "team.yaml")}: stage 1 (One), topic 1 (a), level: must be one of`);
    });
  });
});

describe("roadmap-bot console", () => {
  it("GIVEN typed lines on stdin THEN each gets its reply, and exit ends the chat", async () => {
    await inTempStore(async (env) => {
      const child = execFile(process.execPath, [bin, "console", "--user", "me"], {
        env: { PATH: process.env.PATH ?? "", ...env },
      });
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stdin?.end("/roadmap stage 17\ndone applicationsets\nstage 99\nexit\n");
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(0);
      expect(stdout).toContain("Stage 17 · ArgoCD");
      expect(stdout).toContain("Marked ApplicationSets as done.");
      expect(stdout).toContain("There is no stage “99”");
      expect(stdout).not.toContain("roadmap>");
    });
  });
});

describe("roadmap-bot console under SIGTERM", () => {
  it("GIVEN a running chat THEN SIGTERM ends it with exit 0", async () => {
    await inTempStore(async (env) => {
      const child = execFile(process.execPath, [bin, "console"], { env: { PATH: process.env.PATH ?? "", ...env } });
      let stdout = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("roadmap-bot console")) child.kill("SIGTERM");
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code).toBe(0);
    });
  });
});

describe("roadmap-bot ask processes sharing Redis", async () => {
  const available = await serviceAvailable("Redis", 6379);

  it.skipIf(!available)(
    "GIVEN 12 ask processes marking topics for one person at once THEN all 12 are kept",
    async () => {
      const user = `cli-${randomUUID()}`;
      const env = { STORE_URL: redisTestUrl, CONTENT_DIR: contentDir };
      const ids = [
        "dora-metrics",
        "semantic-versioning",
        "amazon-ecr",
        "pipeline-as-code",
        "workflow-syntax",
        "aws-codebuild",
        "feature-flags",
        "contract-testing",
        "secrets-detection",
        "state-management",
        "terragrunt",
        "aws-cdk",
      ];
      const runs = await Promise.all(ids.map((id) => cli(["ask", `done ${id}`, "--user", user], env)));
      expect(runs.map((run) => run.code)).toEqual(ids.map(() => 0));
      const { stdout } = await cli(["ask", "progress", "--user", user], env);
      expect(stdout).toContain("12/112");
    },
    // Twelve Node processes starting at once on two cores, beside the rest of the suite.
    90_000,
  );
});
