import type { AuthorizeResult, AuthorizeSourceData, Installation } from "@slack/bolt";
import { ErrorCode, LogLevel, type Logger as SlackLogger, WebClient } from "@slack/web-api";
import { z } from "zod";
import type { Logger } from "../../logger.ts";
import {
  type InstallationLookup,
  type InstallationRef,
  installationKeys,
  type SlackInstallationStore,
  SlackNotInstalledError,
} from "./installation-store.ts";

/** Which workspace or org a token is wanted for: a Bolt request's source, or a scheduled job's team. */
export type BotTokenQuery = InstallationLookup;

/** A bot token and who it acts as: the fields of Bolt's AuthorizeResult that an installation gives. */
export interface BotTokens {
  botToken: string;
  botId?: string;
  botUserId?: string;
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

/** A refresh that Slack refused for good: only a new install of the app in that workspace or org helps. */
export class SlackReinstallRequiredError extends Error {
  override name = "SlackReinstallRequiredError";
  readonly code = "slack_reinstall_required";
  constructor(
    readonly installation: string,
    readonly slackError: string,
  ) {
    super(
      `Slack refused to refresh the bot token of ${installation} (${slackError}): the app must be reinstalled there through /slack/install`,
    );
  }
}

/** A refresh that failed for now (network, rate limit, Slack down) or through our own configuration. */
export class SlackTokenRefreshError extends Error {
  override name = "SlackTokenRefreshError";
  readonly code = "slack_token_refresh_failed";
}

/** Slack's answers to a refresh that mean its refresh token is dead. */
const deadRefreshErrors = new Set(["invalid_refresh_token", "token_revoked", "token_expired", "account_inactive"]);

/** Slack's answers that mean SLACK_CLIENT_ID or SLACK_CLIENT_SECRET is wrong, not the workspace. */
const configErrors = new Set(["invalid_client_id", "bad_client_secret", "invalid_client"]);

/** @slack/oauth's InstallProvider refreshes a token that expires within 2 hours; so do we. */
export const defaultRefreshMarginSeconds = 7_200;

const refreshAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
});

export interface SlackTokensOptions {
  installations: SlackInstallationStore;
  /** SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: refreshes are made as the app. */
  clientId: string;
  clientSecret: string;
  /** SLACK_API_URL, ending in a slash; Slack's own when absent. */
  apiUrl?: string;
  logger: Logger;
  /** Where the Web API client logs; errors only, to the console, when absent. */
  slackLogger?: SlackLogger;
  /** Milliseconds since the epoch. */
  now?: () => number;
  refreshMarginSeconds?: number;
  /** Per refresh request, so a hung connection cannot hold every request of a workspace. Default 10 s. */
  timeoutMs?: number;
}

/**
 * The one source of bot tokens for a many-workspace install: Bolt's `authorize` and scheduled work
 * both ask here. With token rotation on, an expiring token is refreshed once per installation
 * however many ask at once: callers in this process share one refresh, and other processes wait
 * on the installation's store lock, then find the token already refreshed. Slack invalidates a
 * refresh token once used, so two refreshes of one token would leave the workspace without one.
 */
export class SlackTokens {
  private readonly installations: SlackInstallationStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly marginSeconds: number;
  private readonly client: WebClient;
  private readonly clientId: string;
  private readonly clientSecret: string;
  /** Installation key -> the refresh under way in this process. */
  private readonly refreshing = new Map<string, Promise<BotTokens>>();

  constructor(options: SlackTokensOptions) {
    this.installations = options.installations;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.marginSeconds = options.refreshMarginSeconds ?? defaultRefreshMarginSeconds;
    this.clientId = options.clientId;
    this.clientSecret = options.clientSecret;
    this.client = new WebClient(undefined, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      ...(options.slackLogger ? { logger: options.slackLogger } : { logLevel: LogLevel.ERROR }),
      // No retries: a refresh whose answer was lost has already used up its refresh token.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  /**
   * The bot token for a workspace or org, refreshed first when it expires within the margin.
   * Rejects with SlackNotInstalledError, SlackReinstallRequiredError or SlackTokenRefreshError.
   */
  async botTokenFor(query: BotTokenQuery): Promise<BotTokens> {
    const found = await this.installations.find(query);
    if (!found) throw new SlackNotInstalledError(query);
    if (!this.expiring(found.installation)) return tokensOf(found.installation, query);
    const key = installationKeys.installation(found.ref);
    let flight = this.refreshing.get(key);
    if (!flight) {
      flight = this.refreshUnderLock(found.ref, query).finally(() => this.refreshing.delete(key));
      this.refreshing.set(key, flight);
    }
    return flight;
  }

  /** Bolt's `authorize`: `new App({ authorize: (source) => tokens.authorize(source), ... })`. */
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> {
    return this.botTokenFor(source);
  }

  private expiring(installation: Installation): boolean {
    const bot = installation.bot;
    if (!bot?.refreshToken || bot.expiresAt === undefined) return false;
    return bot.expiresAt - this.nowSeconds() <= this.marginSeconds;
  }

  private refreshUnderLock(ref: InstallationRef, query: BotTokenQuery): Promise<BotTokens> {
    return this.installations.withLock(ref, async () => {
      // Another process may have refreshed (or removed) it while this one waited for the lock.
      const current = await this.installations.read(ref);
      if (!current) throw new SlackNotInstalledError(query);
      if (!this.expiring(current)) return tokensOf(current, query);
      return tokensOf(await this.refresh(ref, current), query);
    });
  }

  /** Exchanges the refresh token for a new token and saves both; the caller holds the installation's lock. */
  private async refresh(ref: InstallationRef, installation: Installation): Promise<Installation> {
    const name = describeRef(ref);
    // expiring() has checked both: a bot with a refresh token.
    const bot = installation.bot as NonNullable<Installation["bot"]> & { refreshToken: string };
    const asked = this.nowSeconds();
    let answer: z.infer<typeof refreshAnswer>;
    try {
      const response = await this.client.oauth.v2.access({
        client_id: this.clientId,
        client_secret: this.clientSecret,
        grant_type: "refresh_token",
        refresh_token: bot.refreshToken,
      });
      answer = refreshAnswer.parse(response);
    } catch (error) {
      return this.failedRefresh(name, installation, error);
    }
    const refreshed: Installation = {
      ...installation,
      bot: {
        ...bot,
        token: answer.access_token,
        refreshToken: answer.refresh_token,
        expiresAt: asked + answer.expires_in,
      },
    };
    try {
      await this.installations.write(ref, refreshed);
    } catch (error) {
      this.logger.error(
        { err: error, installation: name },
        `Slack bot token of ${name} was refreshed but could not be saved: its old refresh token no longer works, so it may need a reinstall`,
      );
      throw error;
    }
    this.logger.info({ installation: name }, "Slack bot token refreshed");
    return refreshed;
  }

  /**
   * A refused refresh token means reinstall. Any other failure is passed on, unless the current
   * token still works for a while: then that is used, and a later call tries the refresh again.
   */
  private failedRefresh(name: string, installation: Installation, error: unknown): Installation {
    const slackError = platformError(error);
    if (slackError && deadRefreshErrors.has(slackError)) {
      this.logger.error({ installation: name, slackError }, `Slack refused to refresh the bot token of ${name}`);
      throw new SlackReinstallRequiredError(name, slackError);
    }
    const why = slackError
      ? configErrors.has(slackError)
        ? `${slackError}: check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET`
        : slackError
      : String(error);
    const expiresAt = installation.bot?.expiresAt ?? 0;
    if (expiresAt > this.nowSeconds()) {
      this.logger.warn(
        { err: error, installation: name },
        `Could not refresh the Slack bot token of ${name} (${why}); using the current one until it expires`,
      );
      return installation;
    }
    throw new SlackTokenRefreshError(`Could not refresh the expired Slack bot token of ${name}: ${why}`, {
      cause: error,
    });
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** Slack's error code when the Web API answered `ok: false`. */
function platformError(error: unknown): string | undefined {
  const coded = error as { code?: unknown; data?: { error?: unknown } } | undefined;
  if (coded?.code !== ErrorCode.PlatformError) return undefined;
  return typeof coded.data?.error === "string" ? coded.data.error : undefined;
}

/**
 * Like @slack/oauth's authorize: an org-wide install has no team of its own, so the requesting
 * workspace (if named) is the team.
 */
function tokensOf(installation: Installation, query: BotTokenQuery): BotTokens {
  const bot = installation.bot;
  if (!bot) throw new SlackNotInstalledError(query);
  const teamId = installation.team?.id ?? query.teamId ?? undefined;
  const enterpriseId = installation.enterprise?.id ?? query.enterpriseId ?? undefined;
  return {
    botToken: bot.token,
    botId: bot.id,
    botUserId: bot.userId,
    ...(teamId ? { teamId } : {}),
    ...(enterpriseId ? { enterpriseId } : {}),
    isEnterpriseInstall: installation.isEnterpriseInstall === true,
  };
}

const describeRef = (ref: InstallationRef): string =>
  ref.kind === "org" ? `org ${ref.enterpriseId} (org-wide install)` : `team ${ref.teamId}`;
