import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger as PinoLogger } from "pino";

const toSlackLevel: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};

/**
 * Bolt and the Web API client log through Slack's own interface; this routes them into our pino
 * logs, tagged with the component ("bolt", or "slack-delivery" for scheduled posts).
 */
export function boltLogger(logger: PinoLogger, component = "bolt"): SlackLogger {
  const child = logger.child({ component });
  const say =
    (level: "debug" | "info" | "warn" | "error") =>
    (...message: unknown[]) => {
      // Bolt logs per request at debug level; skip building the text unless it will be written.
      if (!child.isLevelEnabled(level)) return;
      child[level]({}, message.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" "));
    };
  return {
    debug: say("debug"),
    info: say("info"),
    warn: say("warn"),
    error: say("error"),
    setLevel: () => {},
    getLevel: () => toSlackLevel[child.level] ?? LogLevel.INFO,
    setName: () => {},
  };
}
