import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCliArgs, UsageError } from "../../src/cli-args.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import {
  fetchGatewayBot,
  shardCountFor,
  spawnDelayMs,
  startShardManager,
} from "../../src/platforms/discord/sharding.ts";
import { contentDir } from "../helpers.ts";
import { serviceAvailable } from "../services.ts";
import { APP_ID, type CallbackBody, chatInput, FakeDiscord } from "./fake-discord.ts";

const bin = path.resolve(import.meta.dirname, "../../bin/roadmap-bot.js");

describe("roadmap-bot start --shards: arguments", () => {
  it("GIVEN --shards auto or a whole number with start THEN it is parsed", () => {
    expect(parseCliArgs(["start", "--shards", "auto"]).shards).toBe("auto");
    expect(parseCliArgs(["start", "--shards=AUTO"]).shards).toBe("auto");
    expect(parseCliArgs(["--shards", "4", "start"]).shards).toBe(4);
    expect(parseCliArgs(["start"]).shards).toBeUndefined();
  });

  it.each(["0", "-1", "two", "1.5", "1e3", "99999", ""])(
    "GIVEN --shards %j THEN a usage error says what fits",
    (value) => {
      expect(() => parseCliArgs(["start", "--shards", value])).toThrow(UsageError);
      expect(() => parseCliArgs(["start", "--shards", value])).toThrow(/--shards (must be auto|needs a value)/);
    },
  );

  it("GIVEN --shards with another command THEN a usage error points to start", () => {
    expect(() => parseCliArgs(["console", "--shards", "2"])).toThrow(/--shards goes with start/);
  });

  it("GIVEN --shards without Discord configured THEN a config error names the variables", async () => {
    await expect(startShardManager(loadConfig({ CONTENT_DIR: contentDir }), 2)).rejects.toThrow(ConfigError);
    await expect(startShardManager(loadConfig({ CONTENT_DIR: contentDir }), 2)).rejects.toThrow(
      /set DISCORD_TOKEN and DISCORD_APPLICATION_ID/,
    );
  });

  it("GIVEN max_concurrency THEN shards start far enough apart for Discord's 5 s per identify bucket", () => {
    expect(spawnDelayMs(1)).toBeGreaterThanOrEqual(5_000);
    expect(spawnDelayMs(16) * 16).toBeGreaterThanOrEqual(5_000);
    expect(spawnDelayMs(16)).toBeLessThan(1_000);
  });
});

describe("roadmap-bot start --shards: counting shards at DISCORD_API_URL", () => {
  const fake = new FakeDiscord({ shards: 3, maxConcurrency: 16 });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("GIVEN auto THEN the count is GET /gateway/bot's shards, asked with the bot token; a number is used as given", async () => {
    const gateway = await fetchGatewayBot({ apiUrl: fake.apiUrl, token: "fake-token" });
    expect(gateway).toMatchObject({ recommendedShards: 3, maxConcurrency: 16 });
    expect(shardCountFor("auto", gateway)).toBe(3);
    expect(shardCountFor(2, gateway)).toBe(2);
    expect(fake.requests.at(-1)).toMatchObject({
      method: "GET",
      path: "/gateway/bot",
      authorization: "Bot fake-token",
    });
  });

  it("GIVEN Discord rejects the token THEN a config error says to reset DISCORD_TOKEN", async () => {
    fake.override((request) =>
      request.path === "/gateway/bot" && request.authorization === "Bot revoked"
        ? { status: 401, body: { message: "401: Unauthorized", code: 0 } }
        : undefined,
    );
    await expect(fetchGatewayBot({ apiUrl: fake.apiUrl, token: "revoked" })).rejects.toThrow(/DISCORD_TOKEN/);
  });
});

interface LogLine {
  msg?: string;
  port?: number;
  pid?: number;
  discord?: string;
}

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("roadmap-bot start --shards 2 against the fake Discord", async () => {
  const available = await serviceAvailable("Redis", 6379);

  it("GIVEN two shards on SQLite THEN a config error says to use Redis or PostgreSQL, and nothing starts", async () => {
    const fake = new FakeDiscord({ shards: 2 });
    await fake.start();
    try {
      const config = loadConfig({
        DISCORD_TOKEN: "fake-token",
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: fake.apiUrl,
        CONTENT_DIR: contentDir,
        STORE_URL: "sqlite://./data/never-opened.sqlite",
      });
      await expect(startShardManager(config, 2)).rejects.toThrow(
        "--shards runs Discord in processes of its own beside this one, and one SQLite file must not be shared between processes: set STORE_URL to redis://… or postgres://…",
      );
      expect(fake.identifies).toEqual([]);
    } finally {
      await fake.stop();
    }
  });

  it.skipIf(!available)(
    "GIVEN two shards on Redis THEN each identifies as its shard, a killed one comes back, each answers on its connection, and SIGTERM ends all with exit 0",
    {
      timeout: 60_000,
    },
    async () => {
      const fake = new FakeDiscord({ maxConcurrency: 16 });
      await fake.start();
      const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [bin, "start", "--shards", "2"], {
        env: {
          PATH: process.env.PATH ?? "",
          DISCORD_TOKEN: "fake-token",
          DISCORD_APPLICATION_ID: APP_ID,
          DISCORD_API_URL: fake.apiUrl,
          PORT: "0",
          CONTENT_DIR: contentDir,
          LOG_LEVEL: "info",
          // Shards are processes: they share a store that locks across processes (its own db, 8).
          STORE_URL: "redis://127.0.0.1:6379/8",
        },
      });
      const lines: LogLine[] = [];
      let logs = "";
      child.stderr.on("data", (chunk: Buffer) => {
        logs += chunk.toString();
        const complete = logs.split("\n");
        logs = complete.pop() ?? "";
        for (const line of complete) {
          try {
            lines.push(JSON.parse(line) as LogLine);
          } catch {
            lines.push({ msg: line });
          }
        }
      });
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const until = async (condition: () => boolean, what: string) => {
        for (let i = 0; i < 300 && !condition(); i++) {
          if (child.exitCode !== null) throw new Error(`manager exited ${child.exitCode} before ${what}`);
          await sleep(50);
        }
        if (!condition()) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(lines.slice(-10))}`);
      };
      const pids = () => lines.filter((line) => line.msg === "discord shard started").map((line) => line.pid as number);
      try {
        await until(() => lines.some((l) => l.msg === "http server listening" && l.discord === "shards"), "listening");
        const port = lines.find((l) => l.msg === "http server listening" && l.discord === "shards")?.port;
        const status = async (route: string) => (await fetch(`http://127.0.0.1:${port}${route}`)).status;

        await Promise.all([fake.shardReady(0), fake.shardReady(1)]);
        expect(fake.identifies.map((identify) => identify.shard)).toEqual(
          expect.arrayContaining([
            [0, 2],
            [1, 2],
          ]),
        );
        expect(fake.identifies).toHaveLength(2);

        // Ready once both shards told the manager so (over IPC, just after their READY).
        let ready = 0;
        for (let i = 0; i < 100 && ready !== 200; i++) {
          ready = await status("/readyz");
          if (ready !== 200) await sleep(100);
        }
        expect(ready).toBe(200);
        expect(await status("/healthz")).toBe(200);

        // A shard that dies is started again by the ShardingManager, and says so in the log.
        const [firstPid] = pids();
        process.kill(firstPid as number, "SIGKILL");
        await until(() => pids().length === 3, "the respawned shard");
        expect(lines.some((line) => line.msg === "discord shard exited; respawning it")).toBe(true);
        await fake.until(() => fake.identifies.length === 3);
        expect(fake.identifies[2]?.shard).toEqual([0, 2]);
        await fake.shardReady(0);

        for (const shard of [0, 1]) {
          const payload = await fake.interactionOnShard(shard, chatInput({ subcommand: "next" }));
          const body = (await fake.callback(payload.id)) as CallbackBody;
          expect(JSON.stringify(body.data)).toContain("Next up");
        }

        const shardPids = pids().filter(running);
        expect(shardPids).toHaveLength(2);
        child.kill("SIGTERM");
        expect(await exit).toBe(0);
        expect(shardPids.filter(running)).toEqual([]);
      } finally {
        child.kill("SIGKILL");
        for (const pid of pids()) if (running(pid)) process.kill(pid, "SIGKILL");
        await fake.stop();
      }
    },
  );
});
