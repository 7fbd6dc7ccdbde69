import { pino } from "pino";
import type { LogLevel } from "./config.ts";

/** JSON logs on stderr, so stdout carries only replies (`ask` output stays pipeable). */
export const createLogger = (level: LogLevel) => pino({ level, base: { app: "roadmap-bot" } }, pino.destination(2));
