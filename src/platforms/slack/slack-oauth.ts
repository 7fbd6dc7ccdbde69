import type { RequestListener } from "node:http";
import { InstallProvider, type Logger as SlackLogger } from "@slack/oauth";
import type { SlackOAuthConfig } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import type { Store } from "../../store/store.ts";
import { type InstallationLookup, SlackInstallationStore } from "./installation-store.ts";
import { botScopes } from "./scopes.ts";
import { SlackTokens } from "./slack-tokens.ts";

/** The paths Slack's install flow uses on the bot's HTTP server. */
export const oauthPaths = { install: "/slack/install", redirect: "/slack/oauth_redirect" } as const;

export interface SlackOAuthOptions {
  config: SlackOAuthConfig;
  store: Store;
  logger: Logger;
  slackLogger: SlackLogger;
  /** PUBLIC_URL: where Slack sends the installer back to; without it, the redirect URL set in the app's settings. */
  publicUrl?: string;
  /** A workspace installed the app (again): its people's data must not be deleted any more. */
  onInstalled?: (teamId: string) => Promise<void>;
}

/**
 * Installing the app to many workspaces: Bolt's own OAuth flow (@slack/oauth's InstallProvider:
 * the install page, the state cookie, oauth.v2.access) with the installations in the bot's store,
 * tokens encrypted, and every bot token (for Bolt's requests and for scheduled posts alike) from
 * SlackTokens, which refreshes a rotating token once per installation however many ask.
 */
export class SlackOAuth {
  readonly installations: SlackInstallationStore;
  readonly tokens: SlackTokens;
  private readonly installer: InstallProvider;

  constructor(private readonly options: SlackOAuthOptions) {
    const { config, store, logger, slackLogger } = options;
    this.installations = new SlackInstallationStore({ store, encryptionKey: config.encryptionKey, logger });
    this.tokens = new SlackTokens({
      installations: this.installations,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      apiUrl: config.apiUrl,
      logger,
      slackLogger,
    });
    this.installer = new InstallProvider({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      stateSecret: config.stateSecret,
      installationStore: {
        storeInstallation: async (installation) => {
          await this.installations.storeInstallation(installation);
          if (installation.team?.id) await options.onInstalled?.(installation.team.id);
        },
        fetchInstallation: (query) => this.installations.fetchInstallation(query),
        deleteInstallation: (query) => this.installations.deleteInstallation(query),
      },
      logger: slackLogger,
      authorizationUrl: config.authorizeUrl,
      clientOptions: { slackApiUrl: config.apiUrl },
      // Token rotation is SlackTokens' job, under its lock; Bolt's own would refresh without one.
      installUrlOptions: this.installUrlOptions(),
    });
  }

  /** GET /slack/install (the "Add to Slack" page) and GET /slack/oauth_redirect (Slack's answer). */
  readonly requestListener: RequestListener = (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const handled =
      path === oauthPaths.install
        ? this.installer.handleInstallPath(req, res, undefined, this.installUrlOptions())
        : this.installer.handleCallback(req, res, undefined, this.installUrlOptions());
    handled.catch((error: unknown) => {
      this.options.logger.error({ err: error, path }, "the Slack install flow failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("The install failed; try again.");
    });
  };

  /** Forgets a workspace's (or an org's) installation: its tokens can no longer be used. Idempotent. */
  async remove(lookup: InstallationLookup): Promise<void> {
    await this.installations.deleteInstallation({
      teamId: lookup.teamId ?? undefined,
      enterpriseId: lookup.enterpriseId ?? undefined,
      isEnterpriseInstall: lookup.isEnterpriseInstall === true,
    });
  }

  private installUrlOptions() {
    const { publicUrl } = this.options;
    return {
      scopes: Object.keys(botScopes),
      ...(publicUrl ? { redirectUri: `${publicUrl.replace(/\/+$/, "")}${oauthPaths.redirect}` } : {}),
    };
  }
}
