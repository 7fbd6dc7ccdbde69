import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Installation } from "@slack/bolt";
import { type Logger, silentLogger } from "../src/logger.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { flushRedisDatabase, postgresTestUrl, serviceAvailable } from "./services.ts";

/** The suites' SLACK_TOKEN_ENCRYPTION_KEY. */
export const encryptionKey = "test-only: correct horse battery staple";

/** The store a suite runs on, and a second connection to the same data: another process, where the backend has one. */
export interface OpenedStores {
  store: Store;
  /** Memory and SQLite have a single owner process: there the peer is the same store. */
  peer: Store;
  close(): Promise<void>;
}

export interface StoreSubject {
  name: string;
  /** False skips the suite (a server that is not running locally). */
  available?: () => Promise<boolean>;
  open(): Promise<OpenedStores>;
}

/**
 * Every backend the installations live on. The Redis database is the calling file's alone: it is
 * flushed before and after. PostgreSQL is shared: the suites write under fresh ids and remove them.
 */
export function storeSubjects(redisUrl: string): StoreSubject[] {
  const pair = async (open: () => Promise<Store>, after = async () => {}): Promise<OpenedStores> => {
    const store = await open();
    const peer = await open();
    return {
      store,
      peer,
      close: async () => {
        await Promise.all([store.close(), peer.close()]);
        await after();
      },
    };
  };
  return [
    {
      name: "memory",
      open: async () => {
        const store = openMemoryStore(silentLogger);
        return { store, peer: store, close: () => store.close() };
      },
    },
    {
      name: "sqlite",
      open: async () => {
        const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-slack-"));
        const store = await openStore(`sqlite://${path.join(dir, "store.sqlite")}`, silentLogger);
        return {
          store,
          peer: store,
          close: async () => {
            await store.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: "redis",
      available: () => serviceAvailable("Redis", 6379),
      open: async () => {
        await flushRedisDatabase(redisUrl);
        return pair(
          () => openStore(redisUrl, silentLogger),
          () => flushRedisDatabase(redisUrl),
        );
      },
    },
    {
      name: "postgres",
      available: () => serviceAvailable("PostgreSQL", 5432),
      open: () => pair(() => openStore(postgresTestUrl, silentLogger)),
    },
  ];
}

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  details: object;
  message: string;
}

/** A logger that keeps its lines, for asserting what an operator would read. */
export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine["level"]) =>
    (details: object, message: string): void => {
      lines.push({ level, details, message });
    };
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, lines };
}

/** Ids unique to one run, so runs on a shared server never meet. */
export const runIds = () => {
  const run = randomUUID().slice(0, 8);
  return (name: string) => `${name}-${run}`;
};

interface BotOptions {
  botToken?: string;
  /** With token rotation: the refresh token and when the bot token expires (Unix seconds). */
  rotation?: { refreshToken: string; expiresAt: number };
}

const botOf = ({ botToken, rotation }: BotOptions, name: string): NonNullable<Installation["bot"]> => ({
  token: botToken ?? `xoxb-${name}-${randomUUID()}`,
  id: "B0BOT",
  userId: "U0BOT",
  scopes: ["commands", "chat:write"],
  ...(rotation ? { refreshToken: rotation.refreshToken, expiresAt: rotation.expiresAt } : {}),
});

/** A workspace install as @slack/oauth's InstallProvider builds it, with every kind of credential. */
export function workspaceInstall(
  teamId: string,
  options: BotOptions & { enterpriseId?: string; userId?: string } = {},
): Installation {
  return {
    team: { id: teamId, name: "Release Guild" },
    enterprise: options.enterpriseId ? { id: options.enterpriseId, name: "Grid Co" } : undefined,
    user: {
      id: options.userId ?? "U-installer",
      token: `xoxp-user-${randomUUID()}`,
      refreshToken: `xoxe-1-user-${randomUUID()}`,
      expiresAt: 1_900_000_000,
      scopes: ["users:read"],
    },
    bot: botOf(options, teamId),
    incomingWebhook: {
      url: `https://hooks.slack.com/services/${teamId}/B0HOOK/${randomUUID()}`,
      channel: "#release",
      channelId: "C0HOOK",
      configurationUrl: "https://example.slack.com/services/B0HOOK",
    },
    appId: "A0TEST",
    tokenType: "bot",
    isEnterpriseInstall: false,
    authVersion: "v2",
    metadata: "from-state",
  };
}

/** An org-wide (Enterprise Grid) install: no team of its own. */
export function orgInstall(enterpriseId: string, options: BotOptions = {}): Installation {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: "Grid Co" },
    user: { id: "U-admin", token: undefined, scopes: undefined },
    bot: botOf(options, enterpriseId),
    appId: "A0TEST",
    tokenType: "bot",
    enterpriseUrl: "https://gridco.enterprise.slack.com/",
    isEnterpriseInstall: true,
    authVersion: "v2",
  };
}
