import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { hostname } from "node:os";
import { type Config, ConfigError, type LogLevel } from "./config.ts";
import { ContentError, loadContentDir } from "./content/load.ts";
import { commandWords } from "./core/commands/index.ts";
import { Core } from "./core/core.ts";
import type { Logger } from "./logger.ts";
import { createLogger, deferredLogger } from "./logging.ts";
import type { Metrics } from "./metrics.ts";
import { roadmapsByTitle } from "./pictures/link-payload.ts";
import { PictureRenderer } from "./pictures/picture-renderer.ts";
import type { DiscordAdapter } from "./platforms/discord/discord-adapter.ts";
import type { SlackAdapter } from "./platforms/slack/slack-adapter.ts";
import { repositories } from "./repositories.ts";
import { DailyScheduler } from "./schedule/daily-scheduler.ts";
import type { Delivery } from "./schedule/delivery.ts";
import { PostLedger } from "./schedule/post-ledger.ts";
import { openStore } from "./store/open-store.ts";
import type { Store } from "./store/store.ts";
import { sweepRemovedTeams } from "./teams/team-data-sweep.ts";
import { TeamPeople } from "./teams/team-people.ts";

/** Everything a running bot is made of, wired once: config -> content -> store -> core. */
export interface App {
  core: Core;
  store: Store;
  logger: Logger;
  /** What /metrics serves; absent for the console and `ask`, which nothing scrapes. */
  metrics: Metrics | undefined;
  /** The daily-topic scheduler posting through these platforms; tick() runs one pass. */
  scheduler(deliveries: readonly Delivery[]): DailyScheduler;
  /** Draws replies' pictures off the main thread; its worker starts with the first picture. */
  pictures: PictureRenderer;
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Used instead of STORE_URL (tests pass a slow or failing store). */
  store?: Store;
  /** Slack's and Discord's defer thresholds (tests shorten them). */
  slackDeferAfterMs?: number;
  discordDeferAfterMs?: number;
  /** How soon what changed is shown again: a clicked message (a channel quiz's count) and Slack's Home tab (tests shorten it). */
  refreshAfterMs?: number;
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

/** The core and its store without any platform: what the console and `ask` run on. */
export function createApp(config: Config, defaultLogLevel: LogLevel, overrides: AppOverrides = {}): Promise<App> {
  // Deferred: the console and `ask` log at "warn" and mostly write nothing, so they need not load pino.
  return assembleApp(config, deferredLogger(config.logLevel ?? defaultLogLevel), overrides);
}

async function assembleApp(config: Config, logger: Logger, overrides: AppOverrides): Promise<App> {
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
      quizDeps: wired,
      roadmaps: core,
      deliveries,
      logger,
      instance: overrides.instance ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      clock,
      ...(metrics ? { metrics } : {}),
      sweep: (now: Date) =>
        sweepRemovedTeams(
          {
            store,
            removedTeams: schedule.removedTeams,
            teamPeople: new TeamPeople(store, logger),
            boards: standings.boards,
            personalData: wired.personalData,
            subscriptions: schedule.subscriptions,
            roadmaps: core.roadmaps,
            logger,
          },
          now,
        ),
    });
  const pictures = new PictureRenderer(logger);
  const close = async () => {
    await pictures.close();
    await store.close();
  };
  return { core, store, logger, metrics, scheduler, pictures, close };
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
  // ROADMAP_PLATFORMS decides which configured platforms this process serves (one gateway per shard).
  const slackConfig = config.platforms.includes("slack") ? config.slack : undefined;
  const discordConfig = config.platforms.includes("discord") ? config.discord : undefined;
  const logger = createLogger(config.logLevel ?? "info");
  const wired = async () => {
    // What only a server uses is imported here, and platform SDKs only when the config asks for
    // them, so the console and `ask` (createApp alone) start without loading any of it.
    const metrics = overrides.metrics ?? (await import("./metrics.ts")).createMetrics();
    const [http, cronDriver, slackModule, discordModule] = await Promise.all([
      import("./http/server.ts"),
      import("./schedule/cron-driver.ts"),
      slackConfig ? import("./platforms/slack/slack-adapter.ts") : undefined,
      discordConfig ? import("./platforms/discord/discord-adapter.ts") : undefined,
    ]);
    const app = await assembleApp(config, logger, { ...overrides, metrics });
    return { metrics, app, http, cronDriver, slackModule, discordModule };
  };
  const { metrics, app, http, cronDriver, slackModule, discordModule } = await wired().catch(async (error: unknown) => {
    // The bot owns the store it was given: close it whatever failed, so callers never have to.
    await overrides.store?.close().catch(() => undefined);
    throw error;
  });
  // What picture links' expiry is counted by, like the core's clock.
  const clock = overrides.clock ?? (() => new Date());
  // Signed with a key made from the Slack app's own secret: the links need no secret of their own.
  // Imported only then: its zlib would cost every one-shot `ask` a few milliseconds at start.
  const pictureLinks =
    config.publicUrl && slackConfig
      ? new (await import("./pictures/signed-url.ts")).PictureLinks(
          config.publicUrl,
          slackConfig.mode === "socket" ? slackConfig.appToken : slackConfig.signingSecret,
          roadmapsByTitle(app.core.roadmaps),
          (view) => app.pictures.prefetch(view),
        )
      : undefined;
  const slack =
    slackConfig && slackModule
      ? new slackModule.SlackAdapter({
          core: app.core,
          config: slackConfig,
          logger,
          pictures: app.pictures,
          ...(pictureLinks ? { pictureLinks } : {}),
          clock,
          store: app.store,
          ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
          ...(overrides.slackDeferAfterMs === undefined ? {} : { deferAfterMs: overrides.slackDeferAfterMs }),
          ...(overrides.refreshAfterMs === undefined
            ? {}
            : { refreshAfterMs: overrides.refreshAfterMs, homeDebounceMs: overrides.refreshAfterMs }),
        })
      : undefined;
  const discord =
    discordConfig && discordModule
      ? new discordModule.DiscordAdapter({
          core: app.core,
          config: discordConfig,
          logger,
          pictures: app.pictures,
          store: app.store,
          ...(overrides.discordDeferAfterMs === undefined ? {} : { deferAfterMs: overrides.discordDeferAfterMs }),
          ...(overrides.refreshAfterMs === undefined ? {} : { refreshAfterMs: overrides.refreshAfterMs }),
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
  // The picture worker is not started here: it holds about 90 MB, and starts with the first picture.
  const scheduler = app.scheduler([slack?.delivery, discord?.delivery].filter((delivery) => delivery !== undefined));
  const slackEvents = slack?.requestListener;
  const slackInstall = slack?.installListener;
  const server = http.createHttpServer({
    ...(slackEvents ? { slackEvents } : {}),
    ...(slackInstall ? { slackInstall } : {}),
    alive: () => (discord === undefined || discord.alive) && (overrides.discordShards?.alive() ?? true),
    ready: async () => {
      await app.store.get("readiness-probe");
      return (discord === undefined || discord.connected) && (overrides.discordShards?.ready() ?? true);
    },
    metrics: metrics.registry,
    ...(pictureLinks
      ? {
          images: async (path: string) => {
            const view = pictureLinks.open(path, clock());
            return view ? (await app.pictures.render(view)).png : undefined;
          },
        }
      : {}),
  });
  let port: number;
  try {
    port = await http.listen(server, config.port);
  } catch (error) {
    await slack?.stop().catch(() => undefined);
    await discord?.stop().catch(() => undefined);
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError(`PORT ${config.port} is already in use; set PORT to a free port`);
    throw error;
  }
  logger.info(
    {
      port,
      slack: slack ? config.slack?.mode : "off",
      discord: discord ? "on" : overrides.discordShards ? "shards" : "off",
    },
    "http server listening",
  );
  const cron = overrides.cron === false ? undefined : cronDriver.startCron(() => scheduler.tick(), logger);
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
