import type { Installation } from "@slack/bolt";
import { z } from "zod";
import type { TokenCipher } from "./token-cipher.ts";

/** The credentials of an installation: never stored in the clear. */
const secretFields = ["botToken", "botRefreshToken", "userToken", "userRefreshToken", "incomingWebhookUrl"] as const;
type SecretField = (typeof secretFields)[number];
type Secrets = Partial<Record<SecretField, string>>;

const idAndName = z.object({ id: z.string().min(1), name: z.string().nullish() });

/** Everything of an Installation but its credentials, which live (encrypted) in `secrets`. */
const installationFields = z.object({
  team: idAndName.nullish(),
  enterprise: idAndName.nullish(),
  user: z.object({ id: z.string(), scopes: z.array(z.string()).nullish(), expiresAt: z.number().nullish() }),
  bot: z
    .object({ id: z.string(), userId: z.string(), scopes: z.array(z.string()), expiresAt: z.number().nullish() })
    .nullish(),
  incomingWebhook: z
    .object({ channel: z.string().nullish(), channelId: z.string().nullish(), configurationUrl: z.string().nullish() })
    .nullish(),
  appId: z.string().nullish(),
  tokenType: z.literal("bot").nullish(),
  enterpriseUrl: z.string().nullish(),
  isEnterpriseInstall: z.boolean().nullish(),
  authVersion: z.enum(["v1", "v2"]).nullish(),
  metadata: z.string().nullish(),
});

/** An installation's document (format 1): its plain fields, its sealed credentials, and which key sealed them. */
const storedInstallationSchema = z.object({
  format: z.literal(1),
  /** TokenCipher.keyId of the key the secrets were sealed with. */
  keyId: z.string(),
  savedAt: z.string(),
  installation: installationFields,
  secrets: z.object(
    Object.fromEntries(secretFields.map((field) => [field, z.string().optional()])) as {
      [field in SecretField]: z.ZodOptional<z.ZodString>;
    },
  ),
});
type StoredInstallation = z.infer<typeof storedInstallationSchema>;

/** An installation as its stored document, credentials sealed; `context` (its key) binds each to this document. */
export function sealInstallation(
  installation: Installation<"v1" | "v2", boolean>,
  cipher: TokenCipher,
  context: string,
  savedAt: Date,
): StoredInstallation {
  const { bot, user, incomingWebhook } = installation;
  const secrets: Secrets = {
    botToken: bot?.token,
    botRefreshToken: bot?.refreshToken,
    userToken: user.token,
    userRefreshToken: user.refreshToken,
    incomingWebhookUrl: incomingWebhook?.url,
  };
  const sealed: Secrets = {};
  for (const field of secretFields) {
    const value = secrets[field];
    if (value) sealed[field] = cipher.seal(value, `${context}#${field}`);
  }
  return {
    format: 1,
    keyId: cipher.keyId,
    savedAt: savedAt.toISOString(),
    installation: withoutSecrets(installation),
    secrets: sealed,
  };
}

/** A stored document as an Installation, or why it cannot be read; never throws. */
export function openInstallation(
  raw: unknown,
  cipher: TokenCipher,
  context: string,
): { installation: Installation } | { unreadable: string } {
  const parsed = storedInstallationSchema.safeParse(raw);
  if (!parsed.success) return { unreadable: `its document is not valid: ${z.prettifyError(parsed.error)}` };
  const { keyId, secrets, installation } = parsed.data;
  if (keyId !== cipher.keyId) {
    return {
      unreadable: `it was encrypted with another SLACK_TOKEN_ENCRYPTION_KEY (key id ${keyId}; this process has ${cipher.keyId}): set the key it was saved with, or reinstall the app there`,
    };
  }
  const opened: Secrets = {};
  for (const field of secretFields) {
    const value = secrets[field];
    if (value === undefined) continue;
    const plain = cipher.open(value, `${context}#${field}`);
    if (plain === undefined) return { unreadable: `its ${field} does not decrypt (tampered with or damaged)` };
    opened[field] = plain;
  }
  const restored = toInstallation(installation, opened);
  return restored ? { installation: restored } : { unreadable: "its bot or webhook has lost its credentials" };
}

/** The installation's fields that are not credentials; unknown extra fields are dropped, as they might be. */
function withoutSecrets(installation: Installation<"v1" | "v2", boolean>): StoredInstallation["installation"] {
  const { team, enterprise, user, bot, incomingWebhook } = installation;
  return {
    team: team && { id: team.id, name: team.name },
    enterprise: enterprise && { id: enterprise.id, name: enterprise.name },
    user: { id: user.id, scopes: user.scopes, expiresAt: user.expiresAt },
    bot: bot && { id: bot.id, userId: bot.userId, scopes: bot.scopes, expiresAt: bot.expiresAt },
    incomingWebhook: incomingWebhook && {
      channel: incomingWebhook.channel,
      channelId: incomingWebhook.channelId,
      configurationUrl: incomingWebhook.configurationUrl,
    },
    appId: installation.appId,
    tokenType: installation.tokenType,
    enterpriseUrl: installation.enterpriseUrl,
    isEnterpriseInstall: installation.isEnterpriseInstall,
    authVersion: installation.authVersion,
    metadata: installation.metadata,
  };
}

/** The stored fields and opened secrets as an Installation; undefined when a bot or webhook lacks its credential. */
function toInstallation(fields: StoredInstallation["installation"], secrets: Secrets): Installation | undefined {
  const { team, enterprise, user, bot, incomingWebhook } = fields;
  if ((bot && !secrets.botToken) || (incomingWebhook && !secrets.incomingWebhookUrl)) return undefined;
  return stripUndefined({
    team: team ? stripUndefined({ id: team.id, name: team.name ?? undefined }) : undefined,
    enterprise: enterprise ? stripUndefined({ id: enterprise.id, name: enterprise.name ?? undefined }) : undefined,
    user: stripUndefined({
      id: user.id,
      token: secrets.userToken,
      refreshToken: secrets.userRefreshToken,
      expiresAt: user.expiresAt ?? undefined,
      scopes: user.scopes ?? undefined,
    }),
    bot:
      bot && secrets.botToken
        ? stripUndefined({
            id: bot.id,
            userId: bot.userId,
            scopes: bot.scopes,
            token: secrets.botToken,
            refreshToken: secrets.botRefreshToken,
            expiresAt: bot.expiresAt ?? undefined,
          })
        : undefined,
    incomingWebhook:
      incomingWebhook && secrets.incomingWebhookUrl
        ? stripUndefined({
            url: secrets.incomingWebhookUrl,
            channel: incomingWebhook.channel ?? undefined,
            channelId: incomingWebhook.channelId ?? undefined,
            configurationUrl: incomingWebhook.configurationUrl ?? undefined,
          })
        : undefined,
    appId: fields.appId ?? undefined,
    tokenType: fields.tokenType ?? undefined,
    enterpriseUrl: fields.enterpriseUrl ?? undefined,
    isEnterpriseInstall: fields.isEnterpriseInstall ?? undefined,
    authVersion: fields.authVersion ?? undefined,
    metadata: fields.metadata ?? undefined,
  }) as Installation;
}

/** Drops keys whose value is undefined, so an installation read back equals the one saved, key for key. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
