import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { type CliArgs, parseCliArgs, UsageError } from "./cli-args.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { ContentError, formatProblem, loadContentDir } from "./content/load.ts";
import type { Who } from "./core/command.ts";
import { commands, commandWords } from "./core/commands/index.ts";
import { defaultRoadmapId } from "./core/core.ts";
import type { Reply } from "./core/reply.ts";
import type { Logger } from "./logger.ts";
import { type App, createApp, startBot } from "./main.ts";
import { installPath } from "./paths.ts";
import { renderText } from "./platforms/console/render-text.ts";
import { StoreError } from "./store/store.ts";

/** Exit codes of the public contract: 0 success, 1 a user error, 2 an internal or config error. */
const exitCodes = { ok: 0, "user-error": 1, "internal-error": 2 } as const;

const usage = `Usage: roadmap-bot <command> [options]

Commands:
  start [--shards auto|N]    Run the bot (console chat when no platform is configured).
                             --shards: Discord as N shard processes (auto: as many as Discord
                             recommends; needed past 2,500 servers)
  console                    Chat with the bot in this terminal
  ask "<text>"               Run one command and print the reply (exit 0 ok, 1 user error, 2 internal)
  lint-content [PATH]        Check roadmap files: a folder or one file (default: CONTENT_DIR)
  register-discord [--guild ID]
                             Register /roadmap and /roadmap-setup with Discord (one guild, or globally) and print the invite URL

Options for console and ask:
  --user ID      who you are (default: your login name)
  --name NAME    your display name
  --team ID      team (workspace or server) id
  --channel ID   channel id
  --image FILE   (ask) also write the answer's picture as a PNG (progress, leaderboard)

Configuration comes from environment variables; see .env.example.`;

function localUser(): string {
  try {
    return userInfo().username || "local";
  } catch {
    return "local";
  }
}

function whoFrom({ options }: CliArgs): Who {
  const userId = options.user ?? localUser();
  return {
    platform: "console",
    userId,
    displayName: options.name ?? userId,
    // One team of its own too, so leaderboards work in the terminal as in a workspace.
    teamId: options.team ?? "local",
    // The terminal is one channel of its own, so `daily on` works there too.
    channelId: options.channel ?? "terminal",
  };
}

async function withApp<T>(defaultLogLevel: "warn" | "info", fn: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(loadConfig(), defaultLogLevel);
  try {
    return await fn(app);
  } finally {
    // A failing close must not hide the answer already printed, nor turn it into a crash.
    await app.close().catch((error: unknown) => app.logger.error({ err: error }, "closing the store failed"));
  }
}

async function consoleChat(who: Who): Promise<number> {
  // Imported here so that `ask` loads neither the chat nor node-cron.
  const [{ ConsoleAdapter }, { ConsoleDelivery }, { startCron }] = await Promise.all([
    import("./platforms/console/console-adapter.ts"),
    import("./platforms/console/console-delivery.ts"),
    import("./schedule/cron-driver.ts"),
  ]);
  return withApp("warn", async (app) => {
    const chat = new ConsoleAdapter(app.core, { input: process.stdin, output: process.stdout, who });
    // Daily posts and reminders set up here are printed here, at their time.
    const scheduler = app.scheduler([new ConsoleDelivery(process.stdout)]);
    const cron = startCron(() => scheduler.tick(), app.logger);
    // SIGTERM (docker stop, kill) ends the chat cleanly so the store is closed, like Ctrl-D.
    const stop = () => chat.stop();
    process.once("SIGTERM", stop);
    try {
      await chat.start();
    } finally {
      process.off("SIGTERM", stop);
      await cron.stop();
    }
    return 0;
  });
}

/**
 * `ask --image FILE`: the answer's picture as a PNG, next to its text. An answer without one (or a
 * team with pictures off) says so on stderr and writes nothing.
 */
async function writePicture(app: App, answer: Reply, file: string): Promise<void> {
  const picture = answer.pictures?.[0];
  if (!picture) {
    process.stderr.write(
      `This answer has no picture, so ${file} was not written (pictures come with progress and leaderboard).\n`,
    );
    return;
  }
  const { png } = await app.pictures.render(picture.view);
  await writeFile(file, png);
  process.stderr.write(`Wrote ${file} (${picture.alt})\n`);
}

/** How long `start` may take to shut down before it gives up waiting and exits 1. */
const shutdownDeadlineMs = 10_000;

/**
 * Serves every configured platform until SIGTERM or SIGINT; with none, it is the console chat.
 * On the signal it stops taking work, finishes what is in flight and closes the store; whatever
 * hangs, the process is gone within shutdownDeadlineMs.
 */
async function start(args: CliArgs): Promise<number> {
  const config = loadConfig();
  if (args.shards !== undefined) {
    // discord.js (and prom-client) load only for a sharded start; see startBot for the same reason.
    const { startShardManager } = await import("./platforms/discord/sharding.ts");
    const manager = await startShardManager(config, args.shards);
    return serveUntilSignal(
      manager.logger,
      () => ({ shards: manager.shards.counts() }),
      () => manager.stop(),
    );
  }
  if (config.platforms.length === 0) {
    process.stderr.write("No Slack or Discord credentials are set, so roadmap-bot chats here in the terminal.\n");
    return consoleChat(whoFrom(args));
  }
  const bot = await startBot(config);
  const { logger, core } = bot.app;
  return serveUntilSignal(
    logger,
    () => ({ inFlight: core.inFlight }),
    () => bot.stop(),
  );
}

/**
 * Waits for SIGTERM or SIGINT (or, in a shard, for its manager to go away), then stops within
 * shutdownDeadlineMs or exits 1.
 */
async function serveUntilSignal(
  logger: Logger,
  state: () => Record<string, unknown>,
  stop: () => Promise<void>,
): Promise<number> {
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
    // A shard process talks to its ShardingManager over IPC: the manager gone, the shard ends too.
    if (process.send) process.once("disconnect", () => resolve("manager disconnected"));
  });
  logger.info({ signal, ...state() }, "shutting down");
  const deadline = setTimeout(() => {
    // pino writes to stderr synchronously, so this line is out before the exit.
    logger.error({ deadlineMs: shutdownDeadlineMs, ...state() }, "shutdown took too long; exiting");
    process.exit(1);
  }, shutdownDeadlineMs);
  try {
    await stop();
  } finally {
    // Stopped (or failed to): the deadline now only ends a process that something still keeps alive.
    deadline.unref();
  }
  logger.info({}, "stopped");
  return 0;
}

/** Registers /roadmap and /roadmap-setup from the same command metadata the core uses, and prints how to invite the bot. */
async function registerDiscord(guildId: string | undefined): Promise<number> {
  const config = loadConfig();
  if (!config.discord)
    throw new ConfigError("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register the Discord commands");
  const content = await loadContentDir(config.contentDir, { reservedIds: commandWords() });
  if (!content.ok) throw new ContentError(content.problems);
  // Imported here so that only this command loads discord.js.
  const [{ DiscordAPIError }, { discordCommandData }, { inviteUrl }, { registerCommands }] = await Promise.all([
    import("discord.js"),
    import("./platforms/discord/command-data.ts"),
    import("./platforms/discord/invite.ts"),
    import("./platforms/discord/register.ts"),
  ]);
  const stageCount =
    content.roadmaps.find((roadmap) => roadmap.id === defaultRoadmapId)?.stages.length ??
    content.roadmaps[0]?.stages.length ??
    1;
  // The invite comes first: registering to a server works only once the app is in it.
  process.stdout.write(`Invite the bot: ${inviteUrl(config.discord.applicationId)}\n`);
  const target = guildId ?? config.discord.guildId;
  try {
    const data = discordCommandData(commands, stageCount);
    const registration = await registerCommands(config.discord, data, target);
    // One line per command, `Registered /roadmap (…).` first as it always was: scripts read it.
    for (const command of data) process.stdout.write(`Registered /${command.name} (${registration.scope}).\n`);
    return 0;
  } catch (error) {
    if (error instanceof DiscordAPIError && error.code === 50001) {
      throw new UsageError(
        `Discord refused: the bot is not in server ${target}. Open the invite URL above, add it there, then run this again`,
      );
    }
    if (error instanceof DiscordAPIError && error.status === 401) {
      throw new ConfigError(
        "Discord rejected DISCORD_TOKEN: copy a fresh one from Developer Portal > Bot > Reset Token",
      );
    }
    throw error;
  }
}

async function lintContent(target: string): Promise<number> {
  const result = await loadContentDir(target, { reservedIds: commandWords() });
  if (!result.ok) {
    process.stderr.write(`${result.problems.map(formatProblem).join("\n")}\n`);
    return 1;
  }
  for (const roadmap of result.roadmaps) {
    process.stdout.write(`ok ${roadmap.file}: ${roadmap.stages.length} stages, ${roadmap.topics.length} topics\n`);
  }
  return 0;
}

async function run(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.version) {
    const pkg = JSON.parse(readFileSync(installPath("package.json"), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (args.help || args.command === "help") {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  switch (args.command) {
    case "ask":
      return withApp("warn", async (app) => {
        const answer = await app.core.handle({ text: args.rest.join(" "), who: whoFrom(args) });
        process.stdout.write(`${renderText(answer)}\n`);
        const image = args.options.image;
        if (image !== undefined && answer.outcome === "ok") await writePicture(app, answer, image);
        return exitCodes[answer.outcome];
      });
    case "console":
      return consoleChat(whoFrom(args));
    case "start":
      return start(args);
    case "register-discord":
      return registerDiscord(args.options.guild);
    case "lint-content":
      return lintContent(args.rest[0] ?? loadConfig().contentDir);
    case undefined:
      throw new UsageError("Which command? For example: roadmap-bot console");
    default:
      throw new UsageError(`Unknown command "${args.command}"`);
  }
}

/** Errors whose message already says what to fix: printed alone, without a stack. */
const explained = (error: unknown): error is Error =>
  error instanceof ConfigError || error instanceof ContentError || error instanceof StoreError;

// A closed pipe (`roadmap-bot console | head -1`) is the reader leaving, not a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

run(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`roadmap-bot: ${error.message}. See roadmap-bot --help.\n`);
        process.exitCode = exitCodes["user-error"];
        return;
      }
      process.stderr.write(
        `roadmap-bot: ${explained(error) ? error.message : String((error as Error)?.stack ?? error)}\n`,
      );
      process.exitCode = exitCodes["internal-error"];
    },
  )
  .finally(() => {
    // A shard's IPC channel to its ShardingManager would keep the process alive: done, so let go.
    if (process.connected) process.disconnect();
  });
