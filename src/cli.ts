import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config.ts";
import { ContentError, formatProblem, loadContentDir } from "./content/load.ts";
import type { Who } from "./core/command.ts";
import { type App, createApp } from "./main.ts";
import { ConsoleAdapter } from "./platforms/console/console-adapter.ts";
import { renderText } from "./platforms/console/render-text.ts";

/** Exit codes of the public contract: 0 success, 1 a user error, 2 an internal or config error. */
const exitCodes = { ok: 0, "user-error": 1, "internal-error": 2 } as const;

const usage = `Usage: roadmap-bot <command> [options]

Commands:
  start                      Run the bot (console chat when no platform is configured)
  console                    Chat with the bot in this terminal
  ask "<text>"               Run one command and print the reply (exit 0 ok, 1 user error, 2 internal)
  lint-content [DIR]         Check roadmap files (default: CONTENT_DIR)

Options for console and ask:
  --user ID      who you are (default: your login name)
  --name NAME    your display name
  --team ID      team (workspace or server) id
  --channel ID   channel id

Configuration comes from environment variables; see .env.example.`;

const options = {
  user: { type: "string" },
  name: { type: "string" },
  team: { type: "string" },
  channel: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

function localUser(): string {
  try {
    return userInfo().username || "local";
  } catch {
    return "local";
  }
}

function whoFrom(values: { user?: string; name?: string; team?: string; channel?: string }): Who {
  const userId = values.user ?? localUser();
  return {
    platform: "console",
    userId,
    displayName: values.name ?? userId,
    ...(values.team ? { teamId: values.team } : {}),
    ...(values.channel ? { channelId: values.channel } : {}),
  };
}

async function withApp<T>(defaultLogLevel: "warn" | "info", fn: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(loadConfig(), defaultLogLevel);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function consoleChat(who: Who): Promise<number> {
  return withApp("warn", async (app) => {
    const chat = new ConsoleAdapter(app.core, { input: process.stdin, output: process.stdout, who });
    // SIGTERM (docker stop, kill) ends the chat cleanly so the store is closed, like Ctrl-D.
    const stop = () => chat.stop();
    process.once("SIGTERM", stop);
    try {
      await chat.start();
    } finally {
      process.off("SIGTERM", stop);
    }
    return 0;
  });
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (values.help || command === undefined || command === "help") {
    process.stdout.write(`${usage}\n`);
    return command === undefined && !values.help ? 1 : 0;
  }
  switch (command) {
    case "ask": {
      const text = rest.join(" ");
      return withApp("warn", async (app) => {
        const answer = await app.core.handle({ text, who: whoFrom(values) });
        process.stdout.write(`${renderText(answer)}\n`);
        return exitCodes[answer.outcome];
      });
    }
    case "console":
      return consoleChat(whoFrom(values));
    case "start":
      // No platform adapter is configured yet (Slack and Discord come next): the console is the bot.
      return consoleChat(whoFrom(values));
    case "lint-content": {
      const dir = rest[0] ?? loadConfig().contentDir;
      const result = await loadContentDir(dir);
      if (!result.ok) {
        process.stderr.write(`${result.problems.map(formatProblem).join("\n")}\n`);
        return 1;
      }
      for (const roadmap of result.roadmaps) {
        process.stdout.write(`ok ${roadmap.file}: ${roadmap.stages.length} stages, ${roadmap.topics.length} topics\n`);
      }
      return 0;
    }
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}\n`);
      return 2;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof ContentError;
    const argvError = error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS");
    process.stderr.write(
      `roadmap-bot: ${known || argvError ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
    );
    process.exitCode = 2;
  },
);
