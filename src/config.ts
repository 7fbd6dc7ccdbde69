import { z } from "zod";

/**
 * The only reader of process.env. Every variable here is listed, with a comment, in .env.example.
 * Errors name the variable to set and show a valid example.
 */

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  STORE_URL: z
    .string()
    .trim()
    .default("sqlite://./data/roadmap.sqlite")
    .refine((url) => /^(sqlite|redis|rediss):\/\/.+/.test(url), {
      message: "must start with sqlite:// or redis:// (e.g. sqlite://./data/roadmap.sqlite)",
    }),
  CONTENT_DIR: z.string().trim().min(1).default("./content"),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(", ")}` }).optional(),
});

export type LogLevel = (typeof logLevels)[number];

export interface Config {
  storeUrl: string;
  contentDir: string;
  /** Unset means each command picks its own default (quiet for the console, info for servers). */
  logLevel: LogLevel | undefined;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, the way .env files and compose files usually mean them. */
const withoutEmpty = (env: Env): Env =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));

export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "environment");
      return `${variable} ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const vars = parsed.data;
  return {
    storeUrl: vars.STORE_URL,
    contentDir: vars.CONTENT_DIR,
    logLevel: vars.LOG_LEVEL,
  };
}
