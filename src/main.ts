import type { Server } from "node:http";
import type { Logger as PinoLogger } from "pino";
import { type Config, ConfigError, type LogLevel } from "./config.ts";
import { ContentError, loadContentDir } from "./content/load.ts";
import { commandWords } from "./core/commands/index.ts";
import { Core } from "./core/core.ts";
import { createHttpServer, listen } from "./http/server.ts";
import { createLogger } from "./logging.ts";
import { DiscordAdapter } from "./platforms/discord/discord-adapter.ts";
import { SlackAdapter } from "./platforms/slack/slack-adapter.ts";
import { ProgressRepository } from "./progress/progress-repository.ts";
import { scheduleContext } from "./schedule/schedule-context.ts";
import { openStore } from "./store/open-store.ts";
import type { Store } from "./store/store.ts";

/** Everything a running bot is made of, wired once: config -> content -> store -> core. */
export interface App {
  core: Core;
  store: Store;
  logger: PinoLogger;
  close(): Promise<void>;
}

export interface AppOverrides {
  /** Used instead of STORE_URL (tests pass a slow or failing store). */
  store?: Store;
  /** Slack's and Discord's defer thresholds (tests shorten them). */
  slackDeferAfterMs?: number;
  discordDeferAfterMs?: number;
}

export async function createApp(config: Config, defaultLogLevel: LogLevel, overrides: AppOverrides = {}): Promise<App> {
  const logger = createLogger(config.logLevel ?? defaultLogLevel);
  const content = await loadContentDir(config.contentDir, { reservedIds: commandWords() });
  if (!content.ok) throw new ContentError(content.problems);
  const store = overrides.store ?? (await openStore(config.storeUrl, logger));
  const core = new Core({
    roadmaps: content.roadmaps,
    progress: new ProgressRepository(store, logger),
    schedule: scheduleContext(store, logger, config.defaultZone),
    logger,
  });
  logger.info({ store: store.kind, roadmaps: core.roadmaps.map((roadmap) => roadmap.id) }, "roadmap-bot ready");
  return { core, store, logger, close: () => store.close() };
}

export interface RunningBot {
  app: App;
  slack: SlackAdapter | undefined;
  discord: DiscordAdapter | undefined;
  server: Server;
  /** The HTTP port in use (PORT, or the one picked when PORT is 0). */
  port: number;
  stop(): Promise<void>;
}

/**
 * The server form of the bot: every configured platform plus the HTTP server (health, readiness,
 * Slack's HTTP mode). stop() closes the server, disconnects platforms, then closes the store.
 */
export async function startBot(config: Config, overrides: AppOverrides = {}): Promise<RunningBot> {
  const app = await createApp(config, "info", overrides).catch(async (error: unknown) => {
    // The bot owns the store it was given: close it whatever failed, so callers never have to.
    await overrides.store?.close().catch(() => undefined);
    throw error;
  });
  const slack = config.slack
    ? new SlackAdapter({
        core: app.core,
        config: config.slack,
        logger: app.logger,
        ...(overrides.slackDeferAfterMs === undefined ? {} : { deferAfterMs: overrides.slackDeferAfterMs }),
      })
    : undefined;
  const discord = config.discord
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
  const slackEvents = slack?.requestListener;
  const server = createHttpServer({
    ...(slackEvents ? { slackEvents } : {}),
    alive: () => discord === undefined || discord.alive,
    ready: async () => {
      await app.store.get("readiness-probe");
      return discord === undefined || discord.connected;
    },
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
    { port, slack: config.slack?.mode ?? "off", discord: discord ? "on" : "off" },
    "http server listening",
  );
  return {
    app,
    slack,
    discord,
    server,
    port,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slack?.stop();
      await discord?.stop();
      await app.close();
    },
  };
}
