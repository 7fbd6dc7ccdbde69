import { z } from "zod";
import { isTimeZone } from "./schedule/zoned-time.ts";

/**
 * The only reader of process.env. Every variable here is listed, with a comment, in .env.example.
 * Errors name the variable to set and show a valid example.
 */

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const platformNames = ["slack", "discord"] as const;
/** A chat platform one process can run. */
export type Platform = (typeof platformNames)[number];

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, message: `must be an http(s) URL such as ${example}` });

const snowflake = z
  .string()
  .trim()
  .regex(/^\d{17,20}$/, { message: "must be a Discord id (17 to 20 digits)" });

const envSchema = z.object({
  STORE_URL: z
    .string()
    .trim()
    .default("sqlite://./data/roadmap.sqlite")
    .refine((url) => /^(sqlite|redis|rediss|postgres|postgresql):\/\/.+/.test(url), {
      message:
        "must be sqlite://PATH, redis://HOST:PORT or postgres://USER:PASS@HOST:5432/DB (e.g. sqlite://./data/roadmap.sqlite)",
    }),
  CONTENT_DIR: z.string().trim().min(1).default("./content"),
  PORT: z.coerce
    .number({ message: "must be a port number such as 3000" })
    .int({ message: "must be a port number such as 3000" })
    .min(0, { message: "must be a port number such as 3000" })
    .max(65535, { message: "must be a port number such as 3000" })
    .default(3000),
  DEFAULT_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Berlin or UTC" }),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(", ")}` }).optional(),
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .startsWith("xoxb-", { message: "must be a bot token starting with xoxb-" })
    .optional(),
  SLACK_SIGNING_SECRET: z.string().trim().min(1).optional(),
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .startsWith("xapp-", { message: "must be an app-level token starting with xapp-" })
    .optional(),
  SLACK_API_URL: httpUrl("https://slack.com/api/").default("https://slack.com/api/"),
  SLACK_CLIENT_ID: z.string().trim().min(1).optional(),
  SLACK_CLIENT_SECRET: z.string().trim().min(1).optional(),
  SLACK_STATE_SECRET: z.string().trim().min(16, { message: "must be at least 16 characters" }).optional(),
  SLACK_TOKEN_ENCRYPTION_KEY: z
    .string()
    .trim()
    .min(32, { message: "must be at least 32 characters (for example: openssl rand -base64 32)" })
    .optional(),
  /** Where the install page sends people to approve the app (Slack's own; tests point it at a fake). */
  SLACK_AUTHORIZE_URL: httpUrl("https://slack.com/oauth/v2/authorize").default("https://slack.com/oauth/v2/authorize"),
  PUBLIC_URL: httpUrl("https://roadmap-bot.example.com").optional(),
  DISCORD_TOKEN: z.string().trim().min(1).optional(),
  DISCORD_APPLICATION_ID: snowflake.optional(),
  DISCORD_GUILD_ID: snowflake.optional(),
  DISCORD_API_URL: httpUrl("https://discord.com/api")
    .refine((url) => !/\/v\d+\/?$/.test(url), {
      message: "must not end with a version such as /v10 (discord.js adds it)",
    })
    .default("https://discord.com/api"),
  ROADMAP_PLATFORMS: z
    .string()
    .trim()
    .transform((value) => value.split(",").map((name) => name.trim().toLowerCase()))
    .refine((names) => names.length > 0 && names.every((name) => (platformNames as readonly string[]).includes(name)), {
      message: "must name the platforms this process runs: slack, discord or slack,discord",
    })
    .transform((names) => [...new Set(names)] as Platform[])
    .optional(),
  DISCORD_REGISTER_ON_START: z
    .enum(["true", "false"], { message: "must be true or false" })
    .default("false")
    .transform((value) => value === "true"),
});

export type LogLevel = (typeof logLevels)[number];

/** Slack over HTTP (Slack calls PORT/slack/events) or Socket Mode (the bot dials out; no public URL). */
export type SlackConfig =
  | { mode: "http"; botToken: string; signingSecret: string; apiUrl: string }
  | { mode: "socket"; botToken: string; appToken: string; signingSecret: string | undefined; apiUrl: string }
  | SlackOAuthConfig;

/**
 * Installed to many workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): over
 * HTTP, each workspace's own token from the installation store, kept encrypted.
 */
export interface SlackOAuthConfig {
  mode: "oauth";
  signingSecret: string;
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  encryptionKey: string;
  apiUrl: string;
  authorizeUrl: string;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** Register commands to this guild (instant) instead of globally. */
  guildId: string | undefined;
  /** REST base without the version ("https://discord.com/api"). */
  apiUrl: string;
  registerOnStart: boolean;
}

export interface Config {
  storeUrl: string;
  contentDir: string;
  port: number;
  /**
   * Where the internet reaches this bot's HTTP server (PUBLIC_URL): Slack answers then show
   * pictures as image blocks fetched from PUBLIC_URL/images/…; without it, a Picture button sends them by DM.
   */
  publicUrl: string | undefined;
  /** The zone for daily posts and reminders when neither the command nor the team names one. */
  defaultZone: string;
  /** Unset means each command picks its own default (quiet for the console, info for servers). */
  logLevel: LogLevel | undefined;
  /** Undefined when no Slack variable is set: Slack is off. */
  slack: SlackConfig | undefined;
  /** Undefined when no Discord variable is set: Discord is off. */
  discord: DiscordConfig | undefined;
  /**
   * The platforms `start` runs in this process: ROADMAP_PLATFORMS, else every configured one.
   * Replicas split the work this way: Slack HTTP in several, the Discord gateway in one.
   */
  platforms: readonly Platform[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, the way .env files and compose files usually mean them. */
const withoutEmpty = (env: Env): Env =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));

type Vars = z.infer<typeof envSchema>;

const oauthVariables = ["SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET"] as const;

function slackOAuthConfig(vars: Vars, apiUrl: string): SlackOAuthConfig {
  const missing = oauthVariables.filter((name) => !vars[name]);
  if (missing.length > 0)
    throw new ConfigError(
      `Installing to many Slack workspaces needs ${oauthVariables.join(", ")}: set ${missing.join(" and ")} (Basic Information > App Credentials; the state secret is any random string), or unset the others for one workspace`,
    );
  if (vars.SLACK_BOT_TOKEN)
    throw new ConfigError(
      "SLACK_BOT_TOKEN is for one workspace; with SLACK_CLIENT_ID every workspace's token comes from its installation: unset SLACK_BOT_TOKEN",
    );
  if (vars.SLACK_APP_TOKEN || !vars.SLACK_SIGNING_SECRET)
    throw new ConfigError(
      "Installing to many Slack workspaces runs in HTTP mode: set SLACK_SIGNING_SECRET (Basic Information > App Credentials) and unset SLACK_APP_TOKEN",
    );
  if (!vars.SLACK_TOKEN_ENCRYPTION_KEY)
    throw new ConfigError(
      "Installing to many Slack workspaces stores their tokens encrypted: set SLACK_TOKEN_ENCRYPTION_KEY to a random secret of 32 characters or more (openssl rand -base64 32), and keep it",
    );
  return {
    mode: "oauth",
    signingSecret: vars.SLACK_SIGNING_SECRET,
    clientId: vars.SLACK_CLIENT_ID as string,
    clientSecret: vars.SLACK_CLIENT_SECRET as string,
    stateSecret: vars.SLACK_STATE_SECRET as string,
    encryptionKey: vars.SLACK_TOKEN_ENCRYPTION_KEY,
    apiUrl,
    authorizeUrl: vars.SLACK_AUTHORIZE_URL,
  };
}

function slackConfig(vars: Vars): SlackConfig | undefined {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: appToken } = vars;
  if (oauthVariables.some((name) => vars[name])) {
    const apiUrl = vars.SLACK_API_URL.endsWith("/") ? vars.SLACK_API_URL : `${vars.SLACK_API_URL}/`;
    return slackOAuthConfig(vars, apiUrl);
  }
  if (vars.SLACK_TOKEN_ENCRYPTION_KEY && !botToken && !signingSecret && !appToken)
    throw new ConfigError(
      "SLACK_TOKEN_ENCRYPTION_KEY is for installs to many workspaces: set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET too, or unset it",
    );
  if (!botToken && !signingSecret && !appToken) return undefined;
  if (!botToken) {
    throw new ConfigError(
      "Slack is half configured: set SLACK_BOT_TOKEN (the xoxb- token under OAuth & Permissions), or unset the other SLACK_ variables",
    );
  }
  const apiUrl = vars.SLACK_API_URL.endsWith("/") ? vars.SLACK_API_URL : `${vars.SLACK_API_URL}/`;
  if (appToken) return { mode: "socket", botToken, appToken, signingSecret, apiUrl };
  if (!signingSecret) {
    throw new ConfigError(
      "Slack needs SLACK_SIGNING_SECRET (Basic Information > App Credentials) for HTTP mode, or SLACK_APP_TOKEN (xapp-) for Socket Mode",
    );
  }
  return { mode: "http", botToken, signingSecret, apiUrl };
}

function discordConfig(vars: Vars): DiscordConfig | undefined {
  const { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: applicationId } = vars;
  if (!token && !applicationId) {
    if (vars.DISCORD_GUILD_ID || vars.DISCORD_REGISTER_ON_START) {
      throw new ConfigError(
        "Discord is half configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID, or unset the other DISCORD_ variables",
      );
    }
    return undefined;
  }
  if (!token)
    throw new ConfigError("Discord is half configured: set DISCORD_TOKEN (Developer Portal > Bot > Reset Token)");
  if (!applicationId) {
    throw new ConfigError(
      "Discord is half configured: set DISCORD_APPLICATION_ID (Developer Portal > General Information)",
    );
  }
  return {
    token,
    applicationId,
    guildId: vars.DISCORD_GUILD_ID,
    apiUrl: vars.DISCORD_API_URL.replace(/\/+$/, ""),
    registerOnStart: vars.DISCORD_REGISTER_ON_START,
  };
}

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
  const slack = slackConfig(vars);
  const discord = discordConfig(vars);
  return {
    storeUrl: vars.STORE_URL,
    contentDir: vars.CONTENT_DIR,
    port: vars.PORT,
    publicUrl: vars.PUBLIC_URL,
    defaultZone: vars.DEFAULT_TIMEZONE,
    logLevel: vars.LOG_LEVEL,
    slack,
    discord,
    platforms: platformsToRun(vars.ROADMAP_PLATFORMS, { slack, discord }),
  };
}

const platformSetup: Record<Platform, string> = {
  slack: "set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)",
  discord: "set DISCORD_TOKEN and DISCORD_APPLICATION_ID",
};

function platformsToRun(
  named: Platform[] | undefined,
  configured: Record<Platform, object | undefined>,
): readonly Platform[] {
  if (!named) return platformNames.filter((platform) => configured[platform] !== undefined);
  const missing = named.find((platform) => configured[platform] === undefined);
  if (missing) {
    throw new ConfigError(
      `ROADMAP_PLATFORMS names ${missing}, which is not configured: ${platformSetup[missing]}, or leave ${missing} out of ROADMAP_PLATFORMS`,
    );
  }
  return named;
}
