import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../../logger.ts";
import type { Store, StoreWrite } from "../../store/store.ts";
import { openInstallation, sealInstallation } from "./installation-document.ts";
import { TokenCipher } from "./token-cipher.ts";

/**
 * Where one installation lives. Slack team ids are unique across all of Slack, so a workspace's
 * document is keyed by its team id alone, with its enterprise id kept inside: scheduled work that
 * knows only a team id finds it, and a workspace moved into an Enterprise Grid org still does.
 * An org-wide install has no team of its own and is keyed by its enterprise id.
 */
export type InstallationRef = { kind: "team"; teamId: string } | { kind: "org"; enterpriseId: string };

/** What a caller knows about where a request or a scheduled job comes from; Bolt's sources fit. */
export interface InstallationLookup {
  teamId?: string | null | undefined;
  enterpriseId?: string | null | undefined;
  isEnterpriseInstall?: boolean | null | undefined;
}

export interface FoundInstallation {
  ref: InstallationRef;
  installation: Installation;
}

/** No installation (or none this process can read) for a team or org: the app must be installed there. */
export class SlackNotInstalledError extends Error {
  override name = "SlackNotInstalledError";
  readonly code = "slack_not_installed";
  constructor(readonly lookup: InstallationLookup) {
    super(`roadmap-bot is not installed in Slack ${describeLookup(lookup)}: install it there through /slack/install`);
  }
}

// The same encoding as src/store/keys.ts: no id can contain the ":" separator or spell another key.
const part = (id: string): string => encodeURIComponent(id.toWellFormed());

const refPath = (ref: InstallationRef): string =>
  ref.kind === "org" ? `org:${part(ref.enterpriseId)}` : `team:${part(ref.teamId)}`;

export const installationKeys = {
  /** One installation's document. */
  installation: (ref: InstallationRef): string => `slack-installation:${refPath(ref)}`,
  /** The lock every write of one installation (install, token refresh, removal) is made under; never stored. */
  lock: (ref: InstallationRef): string => `slack-installation-lock:${refPath(ref)}`,
  /** Which org-wide install covers a workspace, learned from its requests: scheduled work knows only the team. */
  orgMember: (teamId: string): string => `slack-org-member:${part(teamId)}`,
};

const orgMemberSchema = z.object({ enterpriseId: z.string().min(1) });

export interface SlackInstallationStoreOptions {
  store: Store;
  /** SLACK_TOKEN_ENCRYPTION_KEY. */
  encryptionKey: string;
  logger: Logger;
  now?: () => Date;
}

/**
 * Bolt's InstallationStore over the bot's own Store (SQLite, Redis, PostgreSQL): one document per
 * installation, its tokens sealed with AES-256-GCM. A document that is corrupt, tampered with or
 * sealed with another key is logged and reads as "not installed"; it never throws.
 *
 * The Slack `logger` argument Bolt passes to each method is ignored: lines go to our own logger.
 */
export class SlackInstallationStore implements InstallationStore {
  private readonly store: Store;
  private readonly cipher: TokenCipher;
  private readonly logger: Logger;
  private readonly now: () => Date;
  /** Team id -> its org, as already recorded in the store: saves a read per request. */
  private readonly knownOrgs = new Map<string, string>();

  constructor(options: SlackInstallationStoreOptions) {
    this.store = options.store;
    this.cipher = new TokenCipher(options.encryptionKey);
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
  }

  /** Saves an installation (a new one, or a reinstall replacing the old tokens). */
  async storeInstallation<AuthVersion extends "v1" | "v2">(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const ref = refOfInstallation(installation);
    await this.withLock(ref, () => this.write(ref, installation));
    this.logger.info({ installation: refPath(ref) }, "Slack installation saved");
  }

  /** Rejects with SlackNotInstalledError when nothing readable is stored for the query. */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.find(query);
    if (!found) throw new SlackNotInstalledError(query);
    const { installation } = found;
    // As @slack/oauth's own stores do: one user's token is never handed out for another user's request.
    if (query.userId && installation.user.id !== query.userId) {
      return { ...installation, user: { id: installation.user.id, token: undefined, scopes: undefined } };
    }
    return installation;
  }

  /**
   * Removes a workspace's or an org's installation (app_uninstalled, revoked bot tokens); with a
   * userId, only that user's token (revoked user tokens). Removing what is already gone is fine.
   */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const ref = refOfQuery(query);
    if (!ref) {
      this.logger.warn({ query: describeLookup(query) }, "Slack installation removal names no team or org: ignored");
      return;
    }
    const { userId } = query;
    await this.withLock(ref, async () => {
      if (userId) return this.forgetUserToken(ref, userId);
      const writes: StoreWrite[] = [{ key: installationKeys.installation(ref) }];
      if (ref.kind === "team") writes.push({ key: installationKeys.orgMember(ref.teamId) });
      await this.store.writeAll(writes);
    });
    if (ref.kind === "team") this.knownOrgs.delete(ref.teamId);
    this.logger.info({ installation: refPath(ref), ...(userId ? { userId } : {}) }, "Slack installation removed");
  }

  /**
   * The installation serving a team or org, following @slack/oauth's lookups: an org-wide request
   * reads the org's install; a workspace reads its own, else the org-wide install of the org it is
   * in (named by the caller, or remembered from an earlier request of that workspace).
   */
  async find(lookup: InstallationLookup): Promise<FoundInstallation | undefined> {
    const teamId = present(lookup.teamId);
    const enterpriseId = present(lookup.enterpriseId);
    if (lookup.isEnterpriseInstall && enterpriseId) return this.findInOrg(enterpriseId, teamId);
    if (teamId) {
      const own = await this.readFound({ kind: "team", teamId });
      if (own) return own;
      const orgId = enterpriseId ?? (await this.orgOf(teamId));
      return orgId ? this.findInOrg(orgId, enterpriseId ? teamId : undefined) : undefined;
    }
    return enterpriseId ? this.readFound({ kind: "org", enterpriseId }) : undefined;
  }

  /** One installation's document, decrypted; undefined when absent or unreadable (logged). */
  async read(ref: InstallationRef): Promise<Installation | undefined> {
    const key = installationKeys.installation(ref);
    const raw = await this.store.get(key);
    if (raw === undefined) return undefined;
    const opened = openInstallation(raw, this.cipher, key);
    if ("installation" in opened) return opened.installation;
    this.logger.error(
      { installation: refPath(ref) },
      `Slack installation ${refPath(ref)} cannot be read, so it is treated as not installed: ${opened.unreadable}`,
    );
    return undefined;
  }

  /** Saves an installation at ref, its credentials sealed. The caller holds withLock(ref). */
  async write(ref: InstallationRef, installation: Installation<"v1" | "v2", boolean>): Promise<void> {
    const key = installationKeys.installation(ref);
    const document = sealInstallation(installation, this.cipher, key, this.now());
    await this.store.set(key, document);
  }

  /** Runs fn while no other process writes this installation: installs, refreshes and removals never interleave. */
  withLock<T>(ref: InstallationRef, fn: () => Promise<T>): Promise<T> {
    return this.store.withLock(installationKeys.lock(ref), fn);
  }

  private async findInOrg(enterpriseId: string, teamId: string | undefined): Promise<FoundInstallation | undefined> {
    const found = await this.readFound({ kind: "org", enterpriseId });
    if (found && teamId) await this.rememberOrg(teamId, enterpriseId);
    return found;
  }

  private async readFound(ref: InstallationRef): Promise<FoundInstallation | undefined> {
    const installation = await this.read(ref);
    return installation && { ref, installation };
  }

  private async orgOf(teamId: string): Promise<string | undefined> {
    const known = this.knownOrgs.get(teamId);
    if (known) return known;
    const parsed = orgMemberSchema.safeParse(await this.store.get(installationKeys.orgMember(teamId)));
    if (!parsed.success) return undefined;
    this.knownOrgs.set(teamId, parsed.data.enterpriseId);
    return parsed.data.enterpriseId;
  }

  /** Records that a workspace belongs to an org-wide install; writes only what is not stored yet. */
  private async rememberOrg(teamId: string, enterpriseId: string): Promise<void> {
    if (this.knownOrgs.get(teamId) === enterpriseId) return;
    try {
      const key = installationKeys.orgMember(teamId);
      const stored = orgMemberSchema.safeParse(await this.store.get(key));
      if (stored.data?.enterpriseId !== enterpriseId) await this.store.set(key, { enterpriseId });
      this.knownOrgs.set(teamId, enterpriseId);
    } catch (error) {
      // Only scheduled work that knows no enterprise id misses it; the request itself goes on.
      this.logger.warn({ err: error, teamId, enterpriseId }, "could not record a workspace's Slack org");
    }
  }

  private async forgetUserToken(ref: InstallationRef, userId: string): Promise<void> {
    const current = await this.read(ref);
    if (current?.user.id !== userId || current.user.token === undefined) return;
    await this.write(ref, { ...current, user: { id: userId, token: undefined, scopes: undefined } });
  }
}

const present = (id: string | null | undefined): string | undefined => (id ? id : undefined);

/** Where an installation is saved: an org-wide install under its org, any other under its workspace. */
function refOfInstallation(installation: Installation<"v1" | "v2", boolean>): InstallationRef {
  const enterpriseId = present(installation.enterprise?.id);
  const teamId = present(installation.team?.id);
  if (enterpriseId && (installation.isEnterpriseInstall || !teamId)) return { kind: "org", enterpriseId };
  if (teamId) return { kind: "team", teamId };
  throw new TypeError("A Slack installation without a team id or an enterprise id cannot be saved");
}

/** What a removal names; unlike a lookup it never falls back to the org, so one workspace's removal keeps the org's install. */
function refOfQuery(query: InstallationLookup): InstallationRef | undefined {
  const teamId = present(query.teamId);
  const enterpriseId = present(query.enterpriseId);
  if (enterpriseId && (query.isEnterpriseInstall || !teamId)) return { kind: "org", enterpriseId };
  return teamId ? { kind: "team", teamId } : undefined;
}

function describeLookup(lookup: InstallationLookup): string {
  const named = [
    lookup.teamId ? `team ${lookup.teamId}` : "",
    lookup.enterpriseId ? `${lookup.isEnterpriseInstall ? "org-wide, org" : "org"} ${lookup.enterpriseId}` : "",
  ].filter(Boolean);
  return named.length > 0 ? `(${named.join(", ")})` : "(no team or org named)";
}
