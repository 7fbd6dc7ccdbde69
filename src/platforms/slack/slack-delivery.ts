import { ErrorCode, type RetryOptions, WebClient } from "@slack/web-api";
import type { Logger as PinoLogger } from "pino";
import type { Reply } from "../../core/reply.ts";
import type { PictureLinks } from "../../pictures/signed-url.ts";
import {
  type ChannelTarget,
  type Delivery,
  DeliveryError,
  type OutgoingPost,
  type PersonTarget,
} from "../../schedule/delivery.ts";
import { drawReplyPictures, type PictureSource } from "../reply-picture.ts";
import { type SlackMessage, toSlackMessage } from "./blocks.ts";
import { boltLogger } from "./bolt-logger.ts";
import { withPictureLinks } from "./picture-blocks.ts";
import { slackUserId } from "./slack-ids.ts";

/** Time as the delivery sees it; tests pass a manual clock to order events without waiting. */
export interface DeliveryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: DeliveryClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface SlackDeliveryOptions {
  /** One workspace's token; installs to many workspaces give `tokenFor` instead. */
  botToken?: string;
  /**
   * Each workspace's own bot token (installs to many workspaces): asked for every post, so a
   * refreshed token is used at once. Rejects when the workspace has no installation.
   */
  tokenFor?: (teamId: string | undefined) => Promise<string>;
  /** SLACK_API_URL, ending in a slash. */
  apiUrl: string;
  logger: PinoLogger;
  /** Network errors and 5xx: a few quick retries inside the Web API client. */
  retryConfig?: RetryOptions;
  /** How many times one post waits out a 429 before it gives up (transient). Default 5. */
  rateLimitRetries?: number;
  /** A Retry-After longer than this is not waited out: the post fails (transient). Default 120 s. */
  maxRateLimitWaitMs?: number;
  /** Slack's pacing for chat.postMessage: about one message per second per channel. */
  channelIntervalMs?: number;
  /** Per request, so a hung connection cannot hold a post forever. Default 10 s. */
  timeoutMs?: number;
  /** How the bot is called in "/invite @…" hints; the manifest names it roadmap-bot. */
  botName?: string;
  clock?: DeliveryClock;
  /** Draws posts' pictures (the weekly recap's); without it posts are text only. */
  pictures?: PictureSource;
  /** Signed links to the pictures (PUBLIC_URL): image blocks; without them the pictures go up as files in the post's thread. */
  pictureLinks?: PictureLinks;
}

/** Web API retries for scheduled posts: a few quick ones, not the client's default of about 30 minutes. */
export const deliveryRetryConfig: RetryOptions = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 2_000 };

/** Past entries of the per-channel pacing map are dropped once it holds this many (or twice the last size). */
const minPruneSize = 1_024;

type Audience = "channel" | "person";

/**
 * Scheduled posts to Slack: daily topics to channels, reminders as DMs. Uses its own WebClient
 * with `rejectRateLimitedCalls`, because the client's built-in 429 handling pauses its whole
 * queue: one rate-limited channel would stall a fan-out to thousands. Here a 429 delays only
 * the channel it came from, and posts to one channel keep Slack's pace of about one a second.
 */
export class SlackDelivery implements Delivery {
  readonly platform = "slack";
  readonly client: WebClient;
  private readonly logger: PinoLogger;
  private readonly clock: DeliveryClock;
  private readonly rateLimitRetries: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly intervalMs: number;
  private readonly botName: string;
  private readonly pictures: Pick<SlackDeliveryOptions, "pictures" | "pictureLinks">;
  private readonly tokenFor: SlackDeliveryOptions["tokenFor"];
  /** Channel (or user) id -> the earliest time the next message to it may go. Pruned as it grows. */
  private readonly nextSlot = new Map<string, number>();
  private pruneAt = minPruneSize;

  constructor(options: SlackDeliveryOptions) {
    this.logger = options.logger.child({ component: "slack-delivery" });
    this.clock = options.clock ?? realClock;
    this.rateLimitRetries = options.rateLimitRetries ?? 5;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 120_000;
    this.intervalMs = options.channelIntervalMs ?? 1_000;
    this.botName = options.botName ?? "roadmap-bot";
    this.tokenFor = options.tokenFor;
    this.pictures = {
      ...(options.pictures ? { pictures: options.pictures } : {}),
      ...(options.pictureLinks ? { pictureLinks: options.pictureLinks } : {}),
    };
    this.client = new WebClient(options.botToken, {
      slackApiUrl: options.apiUrl,
      logger: boltLogger(options.logger, "slack-delivery"),
      rejectRateLimitedCalls: true,
      retryConfig: options.retryConfig ?? deliveryRetryConfig,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  postToChannel(target: ChannelTarget, post: OutgoingPost): Promise<string> {
    // post.thread is not used: a Slack thread is made of replies, it has no name of its own.
    return this.send(target.teamId, target.channelId, post.reply, "channel");
  }

  /** Slack opens the app's own DM (its App Home Messages tab) when the channel is a user id. */
  sendDirect(target: PersonTarget, post: OutgoingPost): Promise<string> {
    return this.send(target.teamId, slackUserId(target.userId), post.reply, "person");
  }

  private async send(teamId: string | undefined, channel: string, reply: Reply, audience: Audience): Promise<string> {
    const token = await this.tokenOf(teamId);
    // A scheduled post is for everyone who can see it: no ephemeral type, no "Share in channel".
    const message = this.withPictureLinks(toSlackMessage({ ...reply, private: false }), reply);
    const ts = await this.postMessage(channel, message, audience, token);
    if (audience === "channel" && !this.pictures.pictureLinks) await this.uploadPictures(channel, ts, reply, token);
    return ts;
  }

  /** The workspace's own token when the app is installed to many; undefined means the client's one token. */
  private async tokenOf(teamId: string | undefined): Promise<{ token: string } | undefined> {
    if (!this.tokenFor) return undefined;
    try {
      return { token: await this.tokenFor(teamId) };
    } catch (error) {
      this.logger.warn({ err: error, teamId }, "no Slack token for this workspace");
      throw new DeliveryError(
        "roadmap-bot is not installed in this Slack workspace any more (or its token could not be renewed): install it again through /slack/install",
        "not_installed",
        true,
      );
    }
  }

  private withPictureLinks(message: SlackMessage, reply: Reply): SlackMessage {
    const { pictures, pictureLinks } = this.pictures;
    if (!pictures || !pictureLinks || !reply.pictures?.length) return message;
    return withPictureLinks(message, reply.pictures, pictureLinks, new Date(this.clock.now()));
  }

  /**
   * Without a public URL Slack cannot fetch a picture: a channel post's pictures go up as files in
   * its thread, where everyone who sees the post can open them. The post is out either way, so a
   * failed upload is logged, not a failed post.
   */
  private async uploadPictures(channel: string, ts: string, reply: Reply, token?: { token: string }): Promise<void> {
    const drawn = await drawReplyPictures(reply, this.pictures.pictures, this.logger);
    if (drawn.length === 0 || ts === "") return;
    try {
      await this.waitForSlot(channel);
      await this.client.filesUploadV2({
        ...token,
        channel_id: channel,
        thread_ts: ts,
        file_uploads: drawn.map((picture) => ({
          file: picture.png,
          filename: picture.name,
          title: picture.name,
          alt_text: picture.alt,
        })),
      });
    } catch (error) {
      this.logger.warn(
        { err: error, channel, code: (error as CodedError).data?.error },
        "the post went out, but its pictures could not be uploaded to its thread (the app needs files:write)",
      );
    }
  }

  private async postMessage(
    channel: string,
    { text, blocks }: SlackMessage,
    audience: Audience,
    token?: { token: string },
  ): Promise<string> {
    for (let rateLimited = 0; ; rateLimited++) {
      await this.waitForSlot(channel);
      try {
        const result = await this.client.chat.postMessage({
          ...token,
          channel,
          text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
        });
        return result.ts ?? "";
      } catch (error) {
        const retryAfter = rateLimitedFor(error);
        if (retryAfter === undefined) throw this.toDeliveryError(error, audience);
        const waitMs = retryAfter * 1_000;
        if (rateLimited >= this.rateLimitRetries || waitMs > this.maxRateLimitWaitMs) {
          throw new DeliveryError(
            `Slack is rate limiting messages to this ${audience === "channel" ? "channel" : "person"} (still limited after ${rateLimited + 1} tries, asked to wait ${retryAfter} s): trying again later should work`,
            "ratelimited",
            false,
          );
        }
        this.logger.info({ channel, retryAfter }, "rate limited; this channel waits, others go on");
        this.pushBack(channel, this.clock.now() + waitMs);
      }
    }
  }

  /** Waits until this channel may get its next message and books the slot after it. */
  private async waitForSlot(channel: string): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot.get(channel) ?? 0);
    this.nextSlot.set(channel, slot + this.intervalMs);
    this.prune(now);
    if (slot > now) await this.clock.sleep(slot - now);
  }

  private pushBack(channel: string, until: number): void {
    this.nextSlot.set(channel, Math.max(until, this.nextSlot.get(channel) ?? 0));
  }

  /** Slots in the past say nothing (any time from now is allowed): drop them, amortized. */
  private prune(now: number): void {
    if (this.nextSlot.size < this.pruneAt) return;
    for (const [channel, slot] of this.nextSlot) if (slot <= now) this.nextSlot.delete(channel);
    this.pruneAt = Math.max(minPruneSize, this.nextSlot.size * 2);
  }

  /** How many channels the pacing map holds (for tests: it must not grow without bound). */
  get pacedChannels(): number {
    return this.nextSlot.size;
  }

  private toDeliveryError(error: unknown, audience: Audience): DeliveryError {
    const failure = describeFailure(error, audience, this.botName);
    this.logger.warn({ err: error, code: failure.code, permanent: failure.permanent }, "slack post failed");
    return failure;
  }
}

interface CodedError {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown; needed?: unknown };
  original?: { name?: unknown; message?: unknown };
}

/** Seconds to wait when the error is Slack's 429 (WebAPIRateLimitedError), else undefined. */
function rateLimitedFor(error: unknown): number | undefined {
  const coded = (error ?? {}) as CodedError;
  if (coded.code !== ErrorCode.RateLimitedError) return undefined;
  return typeof coded.retryAfter === "number" && coded.retryAfter >= 0 ? coded.retryAfter : 1;
}

const invite = (botName: string) => `/invite @${botName}`;

/**
 * Slack's error codes where trying again will not help, each in plain words with the fix. They
 * are shown in `daily status` and sent to the admin, so they say what to do, not only what broke.
 */
function permanentProblem(code: string, audience: Audience, botName: string, needed: string): string | undefined {
  const stop = audience === "channel" ? "/roadmap daily off" : "/roadmap remind off";
  switch (code) {
    case "not_in_channel":
      return `the bot is not in this channel: invite it with ${invite(botName)}`;
    case "channel_not_found":
      return audience === "channel"
        ? `Slack cannot find this channel (it was deleted, or it is private and the bot was never invited): invite the bot with ${invite(botName)}, or stop the daily topic with ${stop}`
        : `Slack cannot open a direct message with this person: check that the app's Messages tab is on (App Home), or stop the reminder with ${stop}`;
    case "is_archived":
      return `the channel is archived: unarchive it, or stop the daily topic with ${stop}`;
    case "missing_scope":
      return `the Slack app lacks a permission${needed ? ` (${needed})` : ""}: add it under OAuth & Permissions (deploy/slack-app-manifest.yaml lists every scope) and reinstall the app`;
    case "not_authed":
    case "invalid_auth":
    case "not_allowed_token_type":
      return "Slack rejected the bot token: set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…, under OAuth & Permissions)";
    case "account_inactive":
    case "token_revoked":
    case "token_expired":
      return "the app's token no longer works (the app was uninstalled or its token revoked): reinstall the app and update SLACK_BOT_TOKEN";
    case "restricted_action":
    case "restricted_action_read_only_channel":
    case "restricted_action_thread_only_channel":
    case "restricted_action_non_threadable_channel":
    case "no_permission":
    case "ekm_access_denied":
    case "team_access_not_granted":
      return audience === "channel"
        ? `the workspace does not let the bot post in this channel (posting is restricted here): ask a workspace admin to allow it, or stop the daily topic with ${stop} and subscribe another channel`
        : `the workspace does not let the bot send this person direct messages: ask a workspace admin to allow it, or stop the reminder with ${stop}`;
    case "cannot_dm_bot":
      return `this account is a bot, and bots cannot get direct messages: stop the reminder with ${stop}`;
    case "user_not_found":
    case "user_disabled":
      return `Slack does not know this person any more (they may have left the workspace): stop the reminder with ${stop}`;
    case "messages_tab_disabled":
      return "the app cannot send direct messages because its Messages tab is off: turn on App Home > Messages Tab in the app's settings";
    case "msg_too_long":
    case "invalid_blocks":
    case "invalid_blocks_format":
    case "no_text":
    case "too_many_attachments":
    case "invalid_arguments":
      return `Slack refused the message as too long or malformed (${code}): this is a roadmap-bot bug, please report it with this code`;
    default:
      return undefined;
  }
}

/** Failures of the app itself rather than of one channel: fixed once, for every subscription. */
const platformWideCodes = new Set([
  "missing_scope",
  "not_authed",
  "invalid_auth",
  "not_allowed_token_type",
  "account_inactive",
  "token_revoked",
  "token_expired",
]);

/** Any failure of chat.postMessage as a DeliveryError that says what is wrong and what to do. */
export function describeFailure(error: unknown, audience: Audience, botName = "roadmap-bot"): DeliveryError {
  const coded = (error ?? {}) as CodedError;
  if (coded.code === ErrorCode.PlatformError) {
    const code = typeof coded.data?.error === "string" ? coded.data.error : "unknown_error";
    const needed = typeof coded.data?.needed === "string" ? coded.data.needed : "";
    const problem = permanentProblem(code, audience, botName, needed);
    if (problem) return new DeliveryError(problem, code, true, platformWideCodes.has(code));
    return new DeliveryError(`Slack refused the message (${code}): trying again later may work`, code, false);
  }
  if (coded.code === ErrorCode.HTTPError && typeof coded.statusCode === "number") {
    return new DeliveryError(
      `Slack answered HTTP ${coded.statusCode} (a problem on Slack's side or on the way there), also on the retries: trying again later should work`,
      `http_${coded.statusCode}`,
      false,
    );
  }
  if (coded.code === ErrorCode.RequestError) {
    const timedOut = coded.original?.name === "TimeoutError";
    const detail = typeof coded.original?.message === "string" ? coded.original.message : "no answer";
    return new DeliveryError(
      timedOut
        ? "Slack did not answer in time: trying again later should work"
        : `could not reach Slack (${detail}): check the network and SLACK_API_URL; trying again later should work`,
      timedOut ? "timeout" : "request_failed",
      false,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(
    `the post to Slack failed (${message}): trying again later may work`,
    "unknown_error",
    false,
  );
}
