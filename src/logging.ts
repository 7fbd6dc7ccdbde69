import { createRequire } from "node:module";
import type { Logger as PinoLogger } from "pino";
import type { LogLevel } from "./config.ts";
import type { Logger } from "./logger.ts";

/**
 * pino, loaded when the first logger is made rather than with this module: loading it costs a
 * one-shot `ask` more than its whole answer. It is a CommonJS package, so require() keeps
 * createLogger synchronous.
 */
const pinoModule = (): typeof import("pino") => createRequire(import.meta.url)("pino") as typeof import("pino");

/** JSON logs on stderr, so stdout carries only replies (`ask` output stays pipeable). */
export function createLogger(level: LogLevel): PinoLogger {
  const { pino } = pinoModule();
  return pino({ level, base: { app: "roadmap-bot" } }, pino.destination(2));
}

/** pino's numbers for its levels; "silent" is above them all. */
const levelValues: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/**
 * The logger of createLogger(level), made at the first line that level lets through. The console
 * and `ask` log at "warn": most runs write no line at all, and so never load pino.
 */
export function deferredLogger(level: LogLevel): Logger {
  return deferred(() => createLogger(level), levelValues[level]);
}

function deferred(make: () => PinoLogger, threshold: number): Logger {
  let made: PinoLogger | undefined;
  const real = () => {
    made ??= make();
    return made;
  };
  const at =
    (name: "debug" | "info" | "warn" | "error") =>
    (details: object, message: string): void => {
      if (levelValues[name] >= threshold) real()[name](details, message);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => deferred(() => real().child(bindings), threshold),
  };
}
