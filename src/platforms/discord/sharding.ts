import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { type Shard, ShardingManager } from "discord.js";
import type { Logger as PinoLogger } from "pino";
import { Gauge } from "prom-client";
import { z } from "zod";
import type { ShardCount } from "../../cli-args.ts";
import { type Config, ConfigError, type DiscordConfig } from "../../config.ts";
import { createLogger } from "../../logging.ts";
import { startBot } from "../../main.ts";
import { installPath } from "../../paths.ts";

/**
 * `roadmap-bot start --shards auto|N`: this process becomes discord.js's ShardingManager. Each shard
 * is a child process running `roadmap-bot start` with ROADMAP_PLATFORMS=discord: one gateway
 * connection (discord.js's Client takes SHARDS and SHARD_COUNT from the env the manager gives it),
 * the Discord scheduler and the core. The manager keeps Slack (when configured and not left out of
 * ROADMAP_PLATFORMS) and serves PORT: /healthz and /readyz answer for every shard.
 */

/** The CLI every shard runs, whether this runs from src/ (a loader) or from the bundle. */
export const cliFile = installPath("bin/roadmap-bot.js");

/** Discord allows one IDENTIFY per 5 s in each of max_concurrency buckets (shard id % max_concurrency). */
const identifyIntervalMs = 5_000;
/** Slack between two shards' identifies on top of Discord's interval: process start-up varies. */
const identifyMarginMs = 500;
/** How long one shard may take to become ready before the next one is started anyway. */
const spawnTimeoutMs = 30_000;
/** A shard that exits this many times in a row without becoming ready fails /healthz (a restart loop). */
const maxDeathsBeforeReady = 3;
/** On shutdown, shards still running after this are killed: each has its own 10 s deadline, this is shorter. */
const killAfterMs = 8_000;

const gatewayBotSchema = z.object({
  shards: z.number().int().min(1),
  session_start_limit: z
    .object({ max_concurrency: z.number().int().min(1), remaining: z.number().int().min(0) })
    .partial()
    .optional(),
});

export interface GatewayBot {
  /** How many shards Discord recommends for this bot now. */
  recommendedShards: number;
  /** How many shards may identify at once (each bucket once per 5 s). */
  maxConcurrency: number;
  /** Sessions left to start before Discord's daily limit resets. */
  remainingSessions: number | undefined;
}

/**
 * GET /gateway/bot from DISCORD_API_URL (discord.js's fetchRecommendedShardCount always asks
 * discord.com). Errors say what to fix.
 */
export async function fetchGatewayBot(
  discord: Pick<DiscordConfig, "apiUrl" | "token">,
  fetchImpl: typeof fetch = fetch,
): Promise<GatewayBot> {
  const url = `${discord.apiUrl}/v10/gateway/bot`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      headers: { Authorization: `Bot ${discord.token}` },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new ConfigError(
      `Could not reach Discord at ${url} to count shards (${(error as Error).message}); check DISCORD_API_URL and the network`,
    );
  }
  if (response.status === 401) {
    throw new ConfigError("Discord rejected DISCORD_TOKEN: copy a fresh one from Developer Portal > Bot > Reset Token");
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${await response.text().catch(() => "")}`);
  const parsed = gatewayBotSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`GET ${url} answered without a shard count: ${parsed.error.message}`);
  return {
    recommendedShards: parsed.data.shards,
    maxConcurrency: parsed.data.session_start_limit?.max_concurrency ?? 1,
    remainingSessions: parsed.data.session_start_limit?.remaining,
  };
}

/** `auto`: what Discord recommends; a number: as given. */
export function shardCountFor(requested: ShardCount, gateway: GatewayBot): number {
  return requested === "auto" ? gateway.recommendedShards : requested;
}

/**
 * The pause between starting two shards. Shards are started in id order and shard i shares its
 * identify bucket with shard i + max_concurrency, so that many pauses must cover Discord's 5 s:
 * 5.5 s with max_concurrency 1 (discord.js's default), about 0.8 s with 16.
 */
export function spawnDelayMs(maxConcurrency: number): number {
  return Math.ceil(identifyIntervalMs / Math.max(1, maxConcurrency)) + identifyMarginMs;
}

export interface DiscordShardsOptions {
  discord: DiscordConfig;
  count: number;
  logger: PinoLogger;
  delayMs: number;
  /** The script each shard runs with `start` (default: bin/roadmap-bot.js). */
  file?: string;
  execArgv?: string[];
}

/** The shard processes: started one after another, respawned when they exit, killed on stop(). */
export class DiscordShards {
  readonly manager: ShardingManager;
  /** Shards that gave up on Discord, or keep exiting before they are ready: only a restart helps. */
  private readonly failed = new Set<number>();
  private readonly deaths = new Map<number, number>();
  private readonly abort = new AbortController();
  private stopping = false;
  private spawning: Promise<void> | undefined;

  constructor(private readonly options: DiscordShardsOptions) {
    const { discord, count, logger } = options;
    this.manager = new ShardingManager(options.file ?? cliFile, {
      token: discord.token,
      totalShards: count,
      shardList: [...Array(count).keys()],
      mode: "process",
      respawn: true,
      shardArgs: ["start"],
      execArgv: options.execArgv ?? process.execArgv,
    });
    this.manager.on("shardCreate", (shard) => {
      // Shard copied our environment; this is what its process gets at spawn (and respawn).
      Object.assign(shard.env as Record<string, string>, {
        // Only Discord: Slack stays here in the manager.
        ROADMAP_PLATFORMS: "discord",
        // PORT belongs to the manager; a shard's own server takes any free port.
        PORT: "0",
        // One shard is enough to register the commands on start.
        ...(shard.id === 0 ? {} : { DISCORD_REGISTER_ON_START: "false" }),
      });
      this.watch(shard);
      logger.info({ shard: shard.id, shards: count }, "discord shard created");
    });
  }

  /** Starts the shards in the background; stop() interrupts. */
  start(): void {
    this.spawning ??= this.spawnAll();
  }

  /** Every started shard has a process, and none gave up for good. */
  alive(): boolean {
    if (this.failed.size > 0) return false;
    return [...this.manager.shards.values()].every((shard) => shard.process !== null);
  }

  /** Every shard is started and connected to Discord. */
  ready(): boolean {
    const shards = [...this.manager.shards.values()];
    return this.failed.size === 0 && shards.length === this.options.count && shards.every((shard) => shard.ready);
  }

  counts(): { total: number; running: number; ready: number } {
    const shards = [...this.manager.shards.values()];
    return {
      total: this.options.count,
      running: shards.filter((shard) => shard.process !== null).length,
      ready: shards.filter((shard) => shard.ready).length,
    };
  }

  /** SIGTERM to every shard, SIGKILL to those still running after killAfterMs; resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.manager.respawn = false;
    this.abort.abort();
    const exits: Promise<unknown>[] = [];
    for (const shard of this.manager.shards.values()) {
      const child = shard.process;
      if (!child) continue;
      if (child.exitCode === null && child.signalCode === null) {
        exits.push(once(child, "exit"));
        const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        child.once("exit", () => clearTimeout(timer));
      }
      // Sends SIGTERM and forgets the process without respawning it.
      shard.kill();
    }
    await Promise.all(exits);
    await this.spawning;
  }

  private async spawnAll(): Promise<void> {
    const { count, delayMs, logger } = this.options;
    for (let id = 0; id < count && !this.stopping; id++) {
      const shard = this.manager.createShard(id);
      await Promise.allSettled([
        shard.spawn(spawnTimeoutMs).catch((error: unknown) => {
          // Not fatal: a shard that died is respawned, a slow one may still get ready.
          if (!this.stopping) logger.warn({ shard: id, err: error }, "discord shard not ready in time; going on");
        }),
        id < count - 1 ? sleep(delayMs, undefined, { signal: this.abort.signal }) : undefined,
      ]);
    }
  }

  private watch(shard: Shard): void {
    const { logger } = this.options;
    shard.on("spawn", () => logger.info({ shard: shard.id, pid: shard.process?.pid }, "discord shard started"));
    shard.on("ready", () => {
      this.deaths.delete(shard.id);
      this.failed.delete(shard.id);
      logger.info({ shard: shard.id }, "discord shard ready");
    });
    shard.on("disconnect", () => {
      // discord.js gave up reconnecting (a revoked token): fail /healthz so the manager is restarted.
      this.failed.add(shard.id);
      logger.error({ shard: shard.id }, "discord shard closed its gateway for good");
    });
    shard.on("death", (child) => {
      if (this.stopping) return;
      // mode "process": the child is a ChildProcess.
      const { exitCode, signalCode } = child as ChildProcess;
      const deaths = (this.deaths.get(shard.id) ?? 0) + 1;
      this.deaths.set(shard.id, deaths);
      if (deaths >= maxDeathsBeforeReady) this.failed.add(shard.id);
      logger.error(
        { shard: shard.id, exitCode, signal: signalCode, deathsBeforeReady: deaths },
        "discord shard exited; respawning it",
      );
    });
    // A respawn that fails is reported here; without a listener the error event would crash the manager.
    shard.on("error", (error) => logger.error({ shard: shard.id, err: error }, "discord shard failed"));
  }
}

export interface RunningShards {
  logger: PinoLogger;
  shards: DiscordShards;
  /** The HTTP port in use. */
  port: number;
  /** Stops the shards, and Slack and the HTTP server when this process serves them. */
  stop(): Promise<void>;
}

/**
 * The manager: counts the shards, starts them, and serves PORT (with Slack, when it runs here).
 * Discord must be configured and not left out of ROADMAP_PLATFORMS.
 */
export async function startShardManager(
  config: Config,
  requested: ShardCount,
  options: Partial<Pick<DiscordShardsOptions, "file" | "execArgv">> = {},
): Promise<RunningShards> {
  const discord = config.discord;
  if (!discord) throw new ConfigError("--shards runs Discord: set DISCORD_TOKEN and DISCORD_APPLICATION_ID");
  if (!config.platforms.includes("discord")) {
    throw new ConfigError("--shards runs Discord, but ROADMAP_PLATFORMS leaves discord out: add it, or drop --shards");
  }
  if (config.storeUrl.startsWith("sqlite:")) {
    // Locks on SQLite hold inside one process only, and the shards and this manager (which opens
    // the store for its own readiness, and for Slack) are separate processes.
    throw new ConfigError(
      "--shards runs Discord in processes of its own beside this one, and one SQLite file must not be shared between processes: set STORE_URL to redis://… or postgres://…",
    );
  }
  const logger = createLogger(config.logLevel ?? "info");
  const gateway = await fetchGatewayBot(discord);
  const count = shardCountFor(requested, gateway);
  const delayMs = spawnDelayMs(gateway.maxConcurrency);
  logger.info(
    {
      shards: count,
      requested,
      recommended: gateway.recommendedShards,
      maxConcurrency: gateway.maxConcurrency,
      delayMs,
    },
    "starting discord shards",
  );
  if (gateway.remainingSessions !== undefined && gateway.remainingSessions < count) {
    logger.warn(
      { remainingSessions: gateway.remainingSessions, shards: count },
      "Discord's session start limit is low",
    );
  }
  const shards = new DiscordShards({ discord, count, logger, delayMs, ...options });
  // This process serves PORT (health, readiness, metrics) and Slack when it is configured here.
  const bot = await startBot(
    { ...config, platforms: config.platforms.filter((platform) => platform !== "discord") },
    { discordShards: shards },
  );
  bot.app.metrics?.registry.registerMetric(shardGauge(shards));
  shards.start();
  let stopping: Promise<void> | undefined;
  return {
    logger,
    shards,
    port: bot.port,
    stop() {
      stopping ??= (async () => {
        await Promise.all([shards.stop(), bot.stop()]);
      })();
      return stopping;
    },
  };
}

function shardGauge(shards: DiscordShards): Gauge<"state"> {
  return new Gauge({
    name: "roadmap_bot_discord_shards",
    help: "Discord shards by state: total (configured), running (has a process), ready (connected)",
    labelNames: ["state"],
    registers: [],
    collect() {
      const { total, running, ready } = shards.counts();
      this.set({ state: "total" }, total);
      this.set({ state: "running" }, running);
      this.set({ state: "ready" }, ready);
    },
  });
}
