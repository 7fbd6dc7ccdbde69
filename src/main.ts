import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import type { Logger as PinoLogger } from "pino";
import { type Config, ConfigError, type LogLevel } from "./config.ts";
import { ContentError, loadContentDir } from "./content/load.ts";
import { commandWords } from "./core/commands/index.ts";
import { Core } from "./core/core.ts";
import { createHttpServer, listen } from "./http/server.ts";
import { createLogger } from "./logging.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { DiscordAdapter } from "./platforms/discord/discord-adapter.ts";
import { SlackAdapter } from "./platforms/slack/slack-adapter.ts";
import { repositories } from "./repositories.ts";
import { startCron } from "./schedule/cron-driver.ts";
import { DailyScheduler } from "./schedule/daily-scheduler.ts";
import type { Delivery } from "./schedule/delivery.ts";
import { PostLedger } from "./schedule/post-ledger.ts";
import { openStore } from "./store/open-store.ts";
import type { Store } from "./store/store.ts";

/** Everything a running bot is made of, wired once: config -> content -> store -> core. */
export interface App {
  core: Core;
  store: Store;
  logger: PinoLogger;
  /** What /metrics serves; absent for the console and `ask`, which nothing scrapes. */
  metrics: Metrics | undefined;
  /** The daily-topic scheduler posting through these platforms; tick() runs one pass. */
  scheduler(deliveries: readonly Delivery[]): DailyScheduler;
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Used instead of STORE_URL (tests pass a slow or failing store). */
  store?: Store;
  /** Slack's and Discord's defer thresholds (tests shorten them). */
  slackDeferAfterMs?: number;
  discordDeferAfterMs?: number;
  /** The clock the core and the scheduler read (tests step it). */
  clock?: () => Date;
  /** false: no node-cron ticks; the caller runs scheduler.tick() itself (tests). */
  cron?: boolean;
  /** This process's name in the post ledger. */
  instance?: string;
  /** Where commands and posts are counted. startBot makes one when absent; createApp then records nothing. */
  metrics?: Metrics;
  /** Discord served by shard processes this one manages (`start --shards`): health and readiness include them. */
  discordShards?: { alive(): boolean; ready(): boolean };
}

export async function createApp(config: Config, defaultLogLevel: LogLevel, overrides: AppOverrides = {}): Promise<App> {
  const logger = createLogger(config.logLevel ?? defaultLogLevel);
  const content = await loadContentDir(config.contentDir, { reservedIds: commandWords() });
  if (!content.ok) throw new ContentError(content.problems);
  const metrics = overrides.metrics;
  const store = overrides.store ?? (await openStore(config.storeUrl, logger, metrics ? { metrics } : {}));
  const wired = repositories(store, logger, config.defaultZone);
  const { progress, schedule, standings } = wired;
  const clock = overrides.clock ?? (() => new Date());
  const core = new Core({ roadmaps: content.roadmaps, ...wired, logger, clock, ...(metrics ? { metrics } : {}) });
  logger.info({ store: store.kind, roadmaps: core.roadmaps.map((roadmap) => roadmap.id) }, "roadmap-bot ready");
  const scheduler = (deliveries: readonly Delivery[]) =>
    new DailyScheduler({
      subscriptions: schedule.subscriptions,
      ledger: new PostLedger(store, logger),
      progress,
      standings,
      roadmaps: core,
      deliveries,
      logger,
      instance: overrides.instance ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      clock,
      ...(metrics ? { metrics } : {}),
    });
  return { core, store, logger, metrics, scheduler, close: () => store.close() };
}

export interface RunningBot {
  app: App;
  slack: SlackAdapter | undefined;
  discord: DiscordAdapter | undefined;
  server: Server;
  scheduler: DailyScheduler;
  /** The HTTP port in use (PORT, or the one picked when PORT is 0). */
  port: number;
  /**
   * Stops taking work, waits for commands and posts in flight, then disconnects and closes the
   * store. Calling it again returns the same promise. Unbounded: the CLI puts a deadline on it.
   */
  stop(): Promise<void>;
}

/**
 * The server form of the bot: every configured platform plus the HTTP server (health, readiness,
 * metrics, Slack's HTTP mode). stop() takes no more work, lets what is in flight finish, then
 * disconnects the platforms and closes the store.
 */
export async function startBot(config: Config, overrides: AppOverrides = {}): Promise<RunningBot> {
  const metrics = overrides.metrics ?? createMetrics();
  const app = await createApp(config, "info", { ...overrides, metrics }).catch(async (error: unknown) => {
    // The bot owns the store it was given: close it whatever failed, so callers never have to.
    await overrides.store?.close().catch(() => undefined);
    throw error;
  });
  // ROADMAP_PLATFORMS decides which configured platforms this process serves (one gateway per shard).
  const slack =
    config.slack && config.platforms.includes("slack")
      ? new SlackAdapter({
          core: app.core,
          config: config.slack,
          logger: app.logger,
          ...(overrides.slackDeferAfterMs === undefined ? {} : { deferAfterMs: overrides.slackDeferAfterMs }),
        })
      : undefined;
  const discord =
    config.discord && config.platforms.includes("discord")
      ? new DiscordAdapter({
          core: app.core,
          config: config.discord,
          logger: app.logger,
          store: app.store,
          ...(overrides.discordDeferAfterMs === undefined ? {} : { deferAfterMs: overrides.discordDeferAfterMs }),
        })
      : undefined;
  try {
    await slack?.start();
    await discord?.start();
  } catch (error) {
    await slack?.stop().catch(() => undefined);
    await discord?.stop().catch(() => undefined);
    await app.close();
    throw error;
  }
  const scheduler = app.scheduler([slack?.delivery, discord?.delivery].filter((delivery) => delivery !== undefined));
  const slackEvents = slack?.requestListener;
  const server = createHttpServer({
    ...(slackEvents ? { slackEvents } : {}),
    alive: () => (discord === undefined || discord.alive) && (overrides.discordShards?.alive() ?? true),
    ready: async () => {
      await app.store.get("readiness-probe");
      return (discord === undefined || discord.connected) && (overrides.discordShards?.ready() ?? true);
    },
    metrics: metrics.registry,
  });
  let port: number;
  try {
    port = await listen(server, config.port);
  } catch (error) {
    await slack?.stop().catch(() => undefined);
    await discord?.stop().catch(() => undefined);
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError(`PORT ${config.port} is already in use; set PORT to a free port`);
    throw error;
  }
  app.logger.info(
    {
      port,
      slack: slack ? config.slack?.mode : "off",
      discord: discord ? "on" : overrides.discordShards ? "shards" : "off",
    },
    "http server listening",
  );
  const cron = overrides.cron === false ? undefined : startCron(() => scheduler.tick(), app.logger);
  let stopping: Promise<void> | undefined;
  return {
    app,
    slack,
    discord,
    server,
    port,
    scheduler,
    stop() {
      stopping ??= (async () => {
        // Take no more work: no new connections, no new ticks, and commands that still arrive
        // (Discord's gateway, a kept-alive connection) are told to try again in a minute.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const drained = app.core.drain();
        // What is in flight finishes: a tick's posts, and every command (its locks released with it).
        await cron?.stop();
        await drained;
        await closed;
        await slack?.stop();
        await discord?.stop();
        await app.close();
      })();
      return stopping;
    },
  };
}
