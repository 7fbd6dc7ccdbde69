import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageComponentButtonInteraction,
  type APIUser,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  type GuildMemberFlags,
  InteractionContextType,
  InteractionResponseType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
} from "discord.js";
import { type WebSocket, WebSocketServer } from "ws";

/** Well-known ids the fake and the payload builders share. All are snowflake strings. */
export const APP_ID = "1290000000000000001";
/** A bot user's id is its application's id. */
export const BOT_ID = APP_ID;
export const GUILD_ID = "1290000000000000100";
/** A server the bot never joined, where people may use the app they installed for themselves. */
export const OTHER_GUILD_ID = "1290000000000000101";
export const CHANNEL_ID = "1290000000000000200";
export const DM_CHANNEL_ID = "1290000000000000300";
export const ALICE: APIUser = user({ id: "1290000000000000401", username: "alice", global_name: "Alice" });
export const BOB: APIUser = user({ id: "1290000000000000402", username: "bob", global_name: "Bob" });

/** Permission bitfields as Discord sends them: a member's, and what the app may do in the channel. */
const MEMBER_PERMISSIONS = "2248473465835073";
const APP_PERMISSIONS = "2251799813685247";
/**
 * What Discord gives a user-installed app where its bot is not (a DM between people, a server that did not
 * install it): Attach Files, Embed Links and Mention Everyone, for its answers; never Send Messages.
 */
export const USER_INSTALL_APP_PERMISSIONS = String((1n << 15n) | (1n << 14n) | (1n << 17n));
const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh snowflake: the current time since Discord's epoch, and a counter so ids never repeat. */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
}

export interface RecordedFile {
  /** The form field, `files[0]` and so on. */
  field: string;
  filename: string;
  contentType: string;
  /** The file read as UTF-8. */
  content: string;
  bytes: Buffer;
}

/** One HTTP request the bot made, with its body parsed (JSON, or the `payload_json` of a multipart body). */
export interface RecordedRequest {
  method: string;
  /** The decoded route under the versioned API: `/webhooks/:app/:token/messages/@original` for `/api/v10/...`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  files: RecordedFile[];
  authorization: string | undefined;
  userAgent: string | undefined;
}

/** What the bot sends as a message: reply data, an edit, a follow-up, a channel message. */
export interface MessageBody {
  content?: string;
  embeds?: Record<string, unknown>[];
  components?: Record<string, unknown>[];
  flags?: number;
  allowed_mentions?: { parse?: string[]; users?: string[]; roles?: string[]; replied_user?: boolean };
  attachments?: { id: string | number; filename?: string; description?: string }[];
  choices?: { name: string; value: string | number }[];
  [key: string]: unknown;
}

/** The body of `POST /interactions/:id/:token/callback`. */
export interface CallbackBody {
  type: InteractionResponseType;
  data?: MessageBody;
}

export interface CommandBody {
  name: string;
  description?: string;
  options?: Record<string, unknown>[];
  [key: string]: unknown;
}

export interface GatewayPayload {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

export interface FakeChannelInput {
  id: string;
  name?: string;
  type?: ChannelType.GuildText | ChannelType.GuildAnnouncement;
}

export interface FakeGuildInput {
  id: string;
  name?: string;
  channels?: FakeChannelInput[];
}

export interface FakeDiscordOptions {
  appId?: string;
  botName?: string;
  /**
   * Guilds the bot is in. They arrive as GUILD_CREATE after READY, so the client caches them and their channels
   * (needed for `interaction.channel`, `channel.send`, threads). Without any, READY makes the client ready at once.
   */
  guilds?: FakeGuildInput[];
  /** The `shards` that `GET /gateway/bot` recommends (default 1). */
  shards?: number;
  /** `session_start_limit.max_concurrency` of `GET /gateway/bot` (default 1). */
  maxConcurrency?: number;
  /**
   * Servers the bot user is a member of, for `GET /guilds/:id/members/:bot` (elsewhere 403 Missing Access):
   * default GUILD_ID and every guild in `guilds`.
   */
  joinedGuilds?: string[];
  /**
   * false: keep no request, gateway payload or dispatched interaction (`requests` and `received` stay
   * empty), so a load generator's memory does not grow with its load. Callbacks and webhook messages
   * are still kept unless an `override` answers them first. Default true.
   */
  record?: boolean;
}

/** What a route answers: a status, a JSON body (none for 204) and any extra headers. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection instead of answering, as a network failure would (status is then unused). */
  drop?: boolean;
}

/** An error Discord answers with: the HTTP status and its JSON error code and message. */
export interface FakeError {
  status: number;
  code: number;
  message: string;
}

/** The refusals a bot meets when posting, as Discord words them. */
export const discordErrors = {
  unknownChannel: { status: 404, code: 10003, message: "Unknown Channel" },
  unknownUser: { status: 404, code: 10013, message: "Unknown User" },
  missingAccess: { status: 403, code: 50001, message: "Missing Access" },
  cannotExecuteInDm: { status: 403, code: 50003, message: "Cannot execute action on a DM channel" },
  cannotMessageUser: { status: 403, code: 50007, message: "Cannot send messages to this user" },
  missingPermissions: { status: 403, code: 50013, message: "Missing Permissions" },
  invalidFormBody: { status: 400, code: 50035, message: "Invalid Form Body" },
  threadAlreadyCreated: { status: 400, code: 160004, message: "A thread has already been created for this message" },
  serviceUnavailable: { status: 503, code: 0, message: "Service Unavailable" },
} as const satisfies Record<string, FakeError>;

/** Which requests for a channel a scripted answer applies to. */
export type ChannelRequestKind = "messages" | "threads" | "any";

export interface ScriptOptions {
  /** Default "messages": `POST /channels/:id/messages`. "threads": starting a thread there; "any": every request. */
  on?: ChannelRequestKind;
  /** How many matching requests get it; default every one. */
  times?: number;
}

/** An interaction's webhook: its original response (as a message), edits, follow-ups, deleted message ids. */
export interface WebhookMessages {
  original: APIMessage | undefined;
  edits: MessageBody[];
  followUps: MessageBody[];
  deleted: string[];
}

type Route = (request: RecordedRequest) => FakeAnswer | undefined;

/** The `:names` in a route pattern, as a union of string literals. */
type ParamNames<S extends string> = S extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : S extends `${string}:${infer Name}`
    ? Name
    : never;

/**
 * A stand-in for Discord on 127.0.0.1 that the real discord.js client talks to: the REST API under `apiUrl`
 * (give it as `new Client({ rest: { api: fake.apiUrl } })`) and a JSON gateway. It records what the bot sent so
 * tests assert on real payloads, and `until()` waits for them without timers.
 *
 * One bot client at a time, or one per shard (`identifies`, `interactionOnShard`). Destroy the client before
 * `stop()`: a client still connected then is closed with 4004 (authentication failed), which discord.js treats as
 * final instead of reconnecting forever.
 */
export class FakeDiscord {
  readonly appId: string;
  readonly botUser: APIUser;
  /** Every REST request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Requests no route knew; each was answered 404 `{ message: "Unknown", code: 0 }`. */
  readonly unknownRoutes: RecordedRequest[] = [];
  /** Exceptions the fake itself threw while answering (answered 500). */
  readonly errors: string[] = [];
  /** Every gateway payload the client sent: identify, heartbeats, resume... */
  readonly received: GatewayPayload[] = [];
  /** Every command registration, in order: what the bot PUT, and what the fake answered (ids added). */
  readonly registrations: { guildId: string | null; body: CommandBody[]; answered: CommandBody[] }[] = [];
  /** Threads the bot started, with the channel (and message) they hang from. */
  readonly threads: { channelId: string; messageId: string | null; body: MessageBody; thread: ThreadObject }[] = [];
  /** The IDENTIFY data of the latest session (token, intents, properties...). */
  identified: Record<string, unknown> | undefined;
  /** The IDENTIFY data of every session, in order: with sharding, one per shard (its `shard` is [id, count]). */
  readonly identifies: Record<string, unknown>[] = [];
  /** How many times a client opened the gateway. */
  connections = 0;
  sessionId: string | undefined;
  port = 0;

  private readonly guilds: FakeGuildInput[];
  private readonly joinedGuilds: ReadonlySet<string>;
  private readonly recommendedShards: number;
  private readonly maxConcurrency: number;
  private readonly record: boolean;
  /** The identified connection of each shard id, for dispatching to one shard of several. */
  private readonly liveShards = new Map<number, WebSocket>();
  private readonly channels = new Map<string, Record<string, unknown>>();
  private readonly dmChannels = new Map<string, string>();
  private readonly callbacks = new Map<string, RecordedRequest[]>();
  private readonly webhooks = new Map<string, WebhookMessages>();
  private readonly sentToChannels = new Map<string, MessageBody[]>();
  /** The message each `channel nonce` created, for `enforce_nonce` repeats. */
  private readonly byNonce = new Map<string, APIMessage>();
  /** Messages that already have a thread (Discord allows one per message). */
  private readonly threaded = new Set<string>();
  private readonly interactions = new Map<string, InteractionLike>();
  private readonly overrides: ((request: RecordedRequest) => FakeAnswer | undefined)[] = [];
  private readonly waiters: (() => void)[] = [];
  private server: Server | undefined;
  private sockets: WebSocketServer | undefined;
  private live: WebSocket | undefined;
  private sequence = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.appId = options.appId ?? APP_ID;
    this.botUser = { ...user({ id: this.appId, username: options.botName ?? "roadmap-bot" }), bot: true };
    this.guilds = options.guilds ?? [];
    this.joinedGuilds = new Set(options.joinedGuilds ?? [GUILD_ID, ...this.guilds.map((guild) => guild.id)]);
    this.recommendedShards = options.shards ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? 1;
    this.record = options.record ?? true;
    for (const guild of this.guilds)
      for (const [position, channel] of (guild.channels ?? []).entries())
        this.channels.set(channel.id, guildChannel(guild.id, channel, position));
  }

  /** The REST base to give discord.js as `rest.api`; it appends `/v10/...` itself. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req)
        .catch((error: unknown) => this.failed(error))
        .then(({ status, body, headers, drop }) => {
          if (drop) req.socket.destroy();
          else if (body === undefined) res.writeHead(status, headers).end();
          else res.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
          this.notify();
        });
    });
    this.server = server;
    this.sockets = new WebSocketServer({ server, path: "/gateway" });
    this.sockets.on("connection", (socket) => this.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const open = [...(this.sockets?.clients ?? [])];
    await Promise.all(
      open.map(
        (socket) =>
          new Promise<void>((resolve) => {
            // Should the client never answer the close frame, drop the connection shortly after.
            const timer = setTimeout(() => socket.terminate(), 1000);
            socket.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            // A client that outlived the test gives up on 4004 instead of reconnecting to a closed port.
            socket.close(4004, "fake Discord stopped");
          }),
      ),
    );
    this.live = undefined;
    this.sockets?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.notify();
  }

  /** Resolves once a client has identified (or resumed) and events can be dispatched to it. */
  async ready(): Promise<void> {
    await this.until(() => this.live !== undefined);
  }

  /** Sends a gateway dispatch (op 0) with the next sequence number, once a client is ready for it. */
  async dispatch(t: string, d: unknown): Promise<void> {
    await this.ready();
    this.send(this.live, { op: 0, t, s: ++this.sequence, d });
  }

  /**
   * Sends a dispatch whose `d` is JSON text already, once a client is ready for it: a load generator
   * builds payloads from a template instead of serializing each one. Nothing is recorded.
   */
  async dispatchJson(t: string, json: string): Promise<void> {
    await this.ready();
    const socket = this.live;
    if (socket?.readyState === socket?.OPEN)
      socket?.send(`{"op":0,"t":${JSON.stringify(t)},"s":${++this.sequence},"d":${json}}`);
  }

  /** Dispatches INTERACTION_CREATE and resolves with the payload, whose `id` and `token` the helpers take. */
  async interaction<T extends InteractionLike>(payload: T): Promise<T> {
    if (this.record) this.interactions.set(payload.token, payload);
    await this.dispatch("INTERACTION_CREATE", payload);
    return payload;
  }

  /** Resolves once the connection that identified as shard `id` is open and can take dispatches. */
  async shardReady(id: number): Promise<void> {
    await this.until(() => this.liveShards.has(id));
  }

  /** Dispatches INTERACTION_CREATE on shard `id`'s connection (with several shards), as `interaction()` does. */
  async interactionOnShard<T extends InteractionLike>(id: number, payload: T): Promise<T> {
    if (this.record) this.interactions.set(payload.token, payload);
    await this.shardReady(id);
    this.send(this.liveShards.get(id), { op: 0, t: "INTERACTION_CREATE", s: ++this.sequence, d: payload });
    return payload;
  }

  /** Closes the gateway connection with `code`; on 4000 (and most codes) discord.js resumes the session. */
  closeGateway(code = 4000): void {
    this.live?.close(code, "fake Discord closed the gateway");
    this.live = undefined;
  }

  /** Answers matching requests before the routes do (return undefined to pass). 5xx makes discord.js retry. */
  override(answer: (request: RecordedRequest) => FakeAnswer | undefined): void {
    this.overrides.push(answer);
  }

  /**
   * Answers `error` (e.g. `discordErrors.missingPermissions`) to the bot's requests for a channel: its message
   * posts by default, or thread starts, or everything. Later scripts for the same request come after earlier ones.
   */
  failChannel(channelId: string, error: FakeError, options: ScriptOptions = {}): void {
    this.script(channelId, options, () => ({
      status: error.status,
      body: { message: error.message, code: error.code },
    }));
  }

  /**
   * Answers 429 to posts in a channel (`times` of them, default once), as Discord's per-route limit does: a
   * `Retry-After` header (seconds) that discord.js waits out before it sends again, and `retry_after` in the
   * body. Discord's header is whole seconds; a fraction here keeps tests quick.
   */
  rateLimitChannel(channelId: string, options: ScriptOptions & { retryAfter?: number } = {}): void {
    const retryAfter = options.retryAfter ?? 0.05;
    this.script(channelId, { times: 1, ...options }, () => ({
      status: 429,
      headers: {
        "retry-after": String(retryAfter),
        "x-ratelimit-limit": "5",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset-after": String(retryAfter),
        "x-ratelimit-bucket": `fake-bucket-${channelId}`,
        "x-ratelimit-scope": "user",
      },
      body: { message: "You are being rate limited.", retry_after: retryAfter, global: false },
    }));
  }

  /** Answers `error` when the bot opens a DM with this user (`POST /users/@me/channels`), `times` times. */
  failUser(userId: string, error: FakeError, options: Pick<ScriptOptions, "times"> = {}): void {
    let left = options.times ?? Number.POSITIVE_INFINITY;
    this.override((request) => {
      if (left <= 0 || request.method !== "POST" || request.path !== "/users/@me/channels") return undefined;
      if (messageBody(request).recipient_id !== userId) return undefined;
      left--;
      return { status: error.status, body: { message: error.message, code: error.code } };
    });
  }

  /** Resolves with the body the bot answered an interaction with (its only callback). */
  async callback(interactionId: string): Promise<CallbackBody> {
    return (await this.callbackRequest(interactionId)).body as CallbackBody;
  }

  /** The whole callback request: body, query (`with_response`), attached files. */
  async callbackRequest(interactionId: string): Promise<RecordedRequest> {
    await this.until(() => (this.callbacks.get(interactionId)?.length ?? 0) > 0);
    return this.callbacks.get(interactionId)?.[0] as RecordedRequest;
  }

  /** Resolves with the nth edit of an interaction's messages (`PATCH /webhooks/:app/:token/messages/...`). */
  async edit(token: string, index = 0): Promise<MessageBody> {
    await this.until(() => this.webhook(token).edits.length > index);
    return this.webhook(token).edits[index] as MessageBody;
  }

  /** The nth edit as a whole request: its body and the files attached to it (after a deferral, the answer's). */
  async editRequest(token: string, index = 0): Promise<RecordedRequest> {
    await this.edit(token, index);
    const prefix = `/webhooks/${this.appId}/${token}/messages/`;
    const edits = this.requests.filter((request) => request.method === "PATCH" && request.path.startsWith(prefix));
    return edits[index] as RecordedRequest;
  }

  /** Resolves with the nth follow-up of an interaction (`POST /webhooks/:app/:token`). */
  async followUp(token: string, index = 0): Promise<MessageBody> {
    return (await this.followUps(token, index + 1))[index] as MessageBody;
  }

  /** Resolves once `count` follow-ups arrived, with all of them so far. */
  async followUps(token: string, count = 1): Promise<MessageBody[]> {
    await this.until(() => this.webhook(token).followUps.length >= count);
    return [...this.webhook(token).followUps];
  }

  /** What an interaction's webhook holds right now: the original response as a message, edits, follow-ups. */
  webhookMessages(token: string): Readonly<WebhookMessages> {
    const thread = this.webhook(token);
    return { ...thread, edits: [...thread.edits], followUps: [...thread.followUps], deleted: [...thread.deleted] };
  }

  /** Resolves once `count` messages were posted to a channel (`POST /channels/:id/messages`), with all of them. */
  async channelMessages(channelId: string, count = 1): Promise<MessageBody[]> {
    await this.until(() => (this.sentToChannels.get(channelId)?.length ?? 0) >= count);
    return [...(this.sentToChannels.get(channelId) ?? [])];
  }

  /** The DM channel the bot opened with a user (`POST /users/@me/channels`), if it did. */
  dmChannelOf(userId: string): string | undefined {
    return this.dmChannels.get(userId);
  }

  /** The body of the latest command registration (`PUT .../commands`, global or guild), as the bot sent it. */
  registered(): CommandBody[] | undefined {
    return this.registrations.at(-1)?.body;
  }

  /** Waits, without timers, until `condition` holds; it is checked after every request and gateway event. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private script(channelId: string, options: ScriptOptions, answer: () => FakeAnswer): void {
    const on = options.on ?? "messages";
    let left = options.times ?? Number.POSITIVE_INFINITY;
    const base = `/channels/${channelId}`;
    const threadPath = new RegExp(`^${base}(?:/messages/[^/]+)?/threads$`);
    this.override((request) => {
      if (left <= 0) return undefined;
      const { method, path } = request;
      const matches =
        on === "any"
          ? path === base || path.startsWith(`${base}/`)
          : on === "messages"
            ? method === "POST" && path === `${base}/messages`
            : method === "POST" && threadPath.test(path);
      if (!matches) return undefined;
      left--;
      return answer();
    });
  }

  /** Records the fake's own failure and answers 500 (discord.js retries 5xx, then throws an HTTPError). */
  private failed(error: unknown): FakeAnswer {
    this.errors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { status: 500, body: { message: "fake Discord failed", code: 0 } };
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private webhook(token: string): WebhookMessages {
    let thread = this.webhooks.get(token);
    if (!thread) {
      thread = { original: undefined, edits: [], followUps: [], deleted: [] };
      this.webhooks.set(token, thread);
    }
    return thread;
  }

  // ---- gateway ----

  private accept(socket: WebSocket): void {
    this.connections++;
    socket.on("message", (data) => {
      const payload = JSON.parse(String(data)) as GatewayPayload;
      if (this.record) this.received.push(payload);
      this.onGateway(socket, payload);
      this.notify();
    });
    socket.on("close", () => {
      if (this.live === socket) this.live = undefined;
      for (const [id, open] of this.liveShards) if (open === socket) this.liveShards.delete(id);
      this.notify();
    });
    this.send(socket, { op: 10, d: { heartbeat_interval: 41_250 } });
    this.notify();
  }

  private onGateway(socket: WebSocket, payload: GatewayPayload): void {
    switch (payload.op) {
      case 1:
        this.send(socket, { op: 11 });
        return;
      case 2: {
        this.identified = payload.d as Record<string, unknown>;
        this.identifies.push(this.identified);
        const shard: [number, number] = Array.isArray(this.identified.shard)
          ? (this.identified.shard as [number, number])
          : [0, 1];
        this.sessionId = randomBytes(16).toString("hex");
        this.sequence = 0;
        this.send(socket, {
          op: 0,
          t: "READY",
          s: ++this.sequence,
          d: {
            v: 10,
            user: this.botUser,
            guilds: this.guilds.map((guild) => ({ id: guild.id, unavailable: true })),
            session_id: this.sessionId,
            session_type: "normal",
            resume_gateway_url: this.gatewayUrl,
            application: { id: this.appId, flags: 0 },
            private_channels: [],
            shard,
          },
        });
        for (const guild of this.guilds)
          this.send(socket, { op: 0, t: "GUILD_CREATE", s: ++this.sequence, d: this.guildCreate(guild) });
        this.live = socket;
        this.liveShards.set(shard[0], socket);
        return;
      }
      case 6: {
        const resume = payload.d as { session_id?: string } | undefined;
        if (resume?.session_id && resume.session_id === this.sessionId) {
          this.send(socket, { op: 0, t: "RESUMED", s: ++this.sequence, d: {} });
          this.live = socket;
        } else {
          this.send(socket, { op: 9, d: false });
        }
        return;
      }
      default:
        // Presence updates, guild member requests and the like: recorded in `received`, nothing to answer.
        return;
    }
  }

  private send(socket: WebSocket | undefined, payload: GatewayPayload): void {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  private guildCreate(guild: FakeGuildInput): Record<string, unknown> {
    const joined = new Date().toISOString();
    const channels = [...this.channels.values()].filter((channel) => channel.guild_id === guild.id);
    return {
      id: guild.id,
      name: guild.name ?? "Study group",
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: ALICE.id,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: Locale.EnglishUS,
      features: [],
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      max_video_channel_users: 25,
      roles: [
        {
          id: guild.id,
          name: "@everyone",
          color: 0,
          colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
          hoist: false,
          icon: null,
          unicode_emoji: null,
          position: 0,
          permissions: MEMBER_PERMISSIONS,
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      emojis: [],
      stickers: [],
      joined_at: joined,
      large: false,
      unavailable: false,
      member_count: 2,
      members: [guildMember(this.botUser)],
      channels,
      threads: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---- REST ----

  private async handle(req: IncomingMessage): Promise<FakeAnswer> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const versioned = url.pathname.startsWith("/api/v10/");
    const raw = await readBody(req);
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      // discord.js percent-encodes segments (`%40original`); record them decoded.
      path: decodeURIComponent(versioned ? url.pathname.slice("/api/v10".length) : url.pathname),
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      userAgent: req.headers["user-agent"],
      ...(await parseBody(raw, req.headers["content-type"]).catch((error: unknown) => {
        this.failed(error);
        return { body: raw.toString("utf8"), files: [] };
      })),
    };
    if (this.record) this.requests.push(request);
    try {
      for (const override of this.overrides) {
        const answer = override(request);
        if (answer) return answer;
      }
      if (versioned)
        for (const answer of this.routes) {
          const answered = answer(request);
          if (answered) return answered;
        }
    } catch (error) {
      return this.failed(error);
    }
    this.unknownRoutes.push(request);
    return { status: 404, body: { message: "Unknown", code: 0 } };
  }

  /** The routes discord.js calls, first match wins; anything else is a 404 recorded in `unknownRoutes`. */
  private readonly routes: Route[] = [
    route("GET /gateway/bot", () =>
      ok({
        url: this.gatewayUrl,
        shards: this.recommendedShards,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: this.maxConcurrency },
      }),
    ),
    route("GET /gateway", () => ok({ url: this.gatewayUrl })),
    route("GET /users/@me", () => ok(this.botUser)),
    route("GET /applications/@me", () =>
      ok({
        id: this.appId,
        name: this.botUser.username,
        icon: null,
        description: "",
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: "0".repeat(64),
        flags: 0,
        team: null,
        bot: this.botUser,
      }),
    ),

    route("POST /interactions/:id/:token/callback", (p, request) => this.onCallback(p.id, p.token, request)),
    route("POST /webhooks/:app/:token", (p, request) => {
      this.webhook(p.token).followUps.push(messageBody(request));
      return ok(this.message(messageBody(request), request.files, this.replyChannel(p.token), p.token));
    }),
    route("PATCH /webhooks/:app/:token/messages/:message", (p, request) => {
      const thread = this.webhook(p.token);
      thread.edits.push(messageBody(request));
      const edited = this.edited(p.token, p.message, messageBody(request), request.files);
      if (p.message === "@original") thread.original = edited;
      return ok(edited);
    }),
    route("GET /webhooks/:app/:token/messages/:message", (p) => {
      const original = this.webhook(p.token).original;
      return p.message === "@original" && original ? ok(original) : unknownMessage();
    }),
    route("DELETE /webhooks/:app/:token/messages/:message", (p) => {
      this.webhook(p.token).deleted.push(p.message);
      return { status: 204 };
    }),

    route("GET /guilds/:guild/members/:user", (p) => {
      if (!this.joinedGuilds.has(p.guild)) return { status: 403, body: { message: "Missing Access", code: 50001 } };
      return p.user === this.botUser.id
        ? ok(guildMember(this.botUser))
        : { status: 404, body: { message: "Unknown Member", code: 10007 } };
    }),
    route("GET /channels/:channel", (p) => {
      const channel = this.channels.get(p.channel);
      return channel ? ok(channel) : { status: 404, body: { message: "Unknown Channel", code: 10003 } };
    }),
    route("POST /channels/:channel/messages", (p, request) => {
      const body = messageBody(request);
      // With enforce_nonce, a nonce this channel has seen gives back the first message; nothing new is posted.
      const nonceKey = body.nonce === undefined ? undefined : `${p.channel} ${String(body.nonce)}`;
      const first = nonceKey && body.enforce_nonce === true ? this.byNonce.get(nonceKey) : undefined;
      if (first) return ok(first);
      this.sentToChannels.set(p.channel, [...(this.sentToChannels.get(p.channel) ?? []), body]);
      const message = this.message(body, request.files, p.channel);
      if (nonceKey) this.byNonce.set(nonceKey, message);
      return ok(message);
    }),
    route("PATCH /channels/:channel/messages/:message", (p, request) =>
      ok({ ...this.message(messageBody(request), request.files, p.channel), id: p.message, edited_timestamp: now() }),
    ),
    route("DELETE /channels/:channel/messages/:message", () => ({ status: 204 })),
    route("POST /channels/:channel/messages/:message/threads", (p, request) => {
      if (this.threaded.has(p.message)) {
        const { status, code, message } = discordErrors.threadAlreadyCreated;
        return { status, body: { message, code } };
      }
      this.threaded.add(p.message);
      return ok(this.startThread(p.channel, p.message, messageBody(request)));
    }),
    route("POST /channels/:channel/threads", (p, request) =>
      ok(this.startThread(p.channel, null, messageBody(request))),
    ),
    route("POST /users/@me/channels", (_, request) => {
      const recipient = String(messageBody(request).recipient_id ?? ALICE.id);
      const channel = {
        // Alice's DM is the one `dm: true` payloads happen in; anyone else gets their own, the same each time.
        id: recipient === ALICE.id ? DM_CHANNEL_ID : (this.dmChannels.get(recipient) ?? snowflake()),
        type: ChannelType.DM,
        last_message_id: null,
        flags: 0,
        recipients: [recipient === ALICE.id ? ALICE : recipient === BOB.id ? BOB : user({ id: recipient })],
      };
      this.channels.set(channel.id, channel);
      this.dmChannels.set(recipient, channel.id);
      return ok(channel);
    }),

    route("PUT /applications/:app/commands", (_, request) => ok(this.register(null, request.body))),
    route("PUT /applications/:app/guilds/:guild/commands", (p, request) => ok(this.register(p.guild, request.body))),
    route("GET /applications/:app/commands", () =>
      ok(this.registrations.findLast((r) => r.guildId === null)?.answered ?? []),
    ),
    route("GET /applications/:app/guilds/:guild/commands", (p) =>
      ok(this.registrations.findLast((r) => r.guildId === p.guild)?.answered ?? []),
    ),
  ];

  private onCallback(id: string, token: string, request: RecordedRequest): FakeAnswer {
    if (this.callbacks.has(id))
      return { status: 400, body: { message: "Interaction has already been acknowledged.", code: 40060 } };
    this.callbacks.set(id, [request]);
    const callback = (request.body ?? {}) as CallbackBody;
    const interaction = this.interactions.get(token);
    let message: APIMessage | undefined;
    if (callback.type === InteractionResponseType.ChannelMessageWithSource) {
      message = this.message(callback.data ?? {}, request.files, this.replyChannel(token), token);
    } else if (callback.type === InteractionResponseType.DeferredChannelMessageWithSource) {
      const flags = (callback.data?.flags ?? 0) | MessageFlags.Loading;
      message = this.message({ content: "", flags }, [], this.replyChannel(token), token);
    } else if (callback.type === InteractionResponseType.UpdateMessage && interaction?.message) {
      // A component's update edits the message the component is on.
      message = { ...interaction.message, ...pickMessage(callback.data ?? {}), edited_timestamp: now() };
    } else if (callback.type === InteractionResponseType.DeferredMessageUpdate && interaction?.message) {
      message = interaction.message;
    }
    if (message) this.webhook(token).original = message;
    if (request.query.with_response !== "true") return { status: 204 };
    return ok({
      interaction: {
        id,
        type: interaction?.type ?? InteractionType.ApplicationCommand,
        response_message_id: message?.id,
        response_message_loading: callback.type === InteractionResponseType.DeferredChannelMessageWithSource,
        response_message_ephemeral: Boolean((message?.flags ?? 0) & MessageFlags.Ephemeral),
      },
      resource: { type: callback.type, ...(message ? { message } : {}) },
    });
  }

  private replyChannel(token: string): string {
    return this.interactions.get(token)?.channel_id ?? CHANNEL_ID;
  }

  /** A message object as Discord returns it, built from what the bot sent. */
  private message(body: MessageBody, files: RecordedFile[], channelId: string, token?: string): APIMessage {
    const interaction = token ? this.interactions.get(token) : undefined;
    const fromWebhook = token !== undefined;
    return {
      id: snowflake(),
      channel_id: channelId,
      author: this.botUser,
      content: body.content ?? "",
      timestamp: now(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: files.map((file, index) => ({
        id: String(body.attachments?.[index]?.id ?? index),
        filename: file.filename,
        size: file.bytes.length,
        content_type: file.contentType,
        url: `https://cdn.fake.discord/attachments/${channelId}/${file.filename}`,
        proxy_url: `https://media.fake.discord/attachments/${channelId}/${file.filename}`,
      })),
      embeds: (body.embeds ?? []) as unknown as APIMessage["embeds"],
      components: (body.components ?? []) as unknown as APIMessage["components"],
      pinned: false,
      type: MessageType.Default,
      flags: body.flags ?? 0,
      ...(body.nonce === undefined ? {} : { nonce: body.nonce as string | number }),
      ...(fromWebhook ? { webhook_id: this.appId, application_id: this.appId } : {}),
      ...(interaction
        ? {
            interaction_metadata: {
              id: interaction.id,
              type: interaction.type,
              user: interaction.member?.user ?? interaction.user ?? ALICE,
              authorizing_integration_owners: interaction.authorizing_integration_owners,
            } as APIMessage["interaction_metadata"],
          }
        : {}),
    };
  }

  private edited(token: string, messageId: string, body: MessageBody, files: RecordedFile[]): APIMessage {
    const fresh = this.message(body, files, this.replyChannel(token), token);
    const original = this.webhook(token).original;
    const base = messageId === "@original" && original ? original : { ...fresh, id: messageId };
    const flags = (base.flags ?? 0) & ~MessageFlags.Loading;
    return {
      ...base,
      ...pickMessage(body),
      ...(files.length > 0 ? { attachments: fresh.attachments } : {}),
      flags: body.flags ?? flags,
      edited_timestamp: now(),
    };
  }

  private startThread(channelId: string, messageId: string | null, body: MessageBody): ThreadObject {
    const parent = this.channels.get(channelId);
    const created = now();
    // A thread started from a message takes the message's id.
    const id = messageId ?? snowflake();
    const thread: ThreadObject = {
      id,
      guild_id: String(parent?.guild_id ?? GUILD_ID),
      parent_id: channelId,
      owner_id: this.botUser.id,
      name: String(body.name ?? "thread"),
      type: Number(body.type ?? ChannelType.PublicThread),
      last_message_id: null,
      rate_limit_per_user: Number(body.rate_limit_per_user ?? 0),
      message_count: 0,
      member_count: 1,
      total_message_sent: 0,
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: Number(body.auto_archive_duration ?? 1440),
        archive_timestamp: created,
        locked: false,
        create_timestamp: created,
      },
      member: { id, user_id: this.botUser.id, join_timestamp: created, flags: 0 },
      newly_created: true,
    };
    this.channels.set(thread.id, thread);
    this.threads.push({ channelId, messageId, body, thread });
    return thread;
  }

  private register(guildId: string | null, sent: unknown): CommandBody[] {
    const body = (sent ?? []) as CommandBody[];
    const answered = body.map((command) => ({
      type: ApplicationCommandType.ChatInput,
      description: "",
      default_member_permissions: null,
      nsfw: false,
      ...command,
      id: snowflake(),
      application_id: this.appId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    this.registrations.push({ guildId, body, answered });
    return answered;
  }
}

export interface ThreadObject {
  id: string;
  guild_id: string;
  parent_id: string;
  owner_id: string;
  name: string;
  type: number;
  member: { id: string; user_id: string; join_timestamp: string; flags: number };
  [key: string]: unknown;
}

/** The fields of an interaction payload the fake reads. */
export interface InteractionLike {
  id: string;
  token: string;
  type: InteractionType;
  channel_id?: string;
  member?: { user: APIUser };
  user?: APIUser;
  message?: APIMessage;
  authorizing_integration_owners: Record<string, string>;
}

const now = (): string => new Date().toISOString();
const ok = (body: unknown): FakeAnswer => ({ status: 200, body });
const unknownMessage = (): FakeAnswer => ({ status: 404, body: { message: "Unknown Message", code: 10008 } });

/** A route for `"METHOD /a/:b/c"`: the handler gets the `:params` of a matching request. */
function route<S extends string>(
  pattern: S,
  handler: (params: Record<ParamNames<S>, string>, request: RecordedRequest) => FakeAnswer,
): Route {
  const [method, path = ""] = pattern.split(" ");
  const want = path.split("/").filter(Boolean);
  return (request) => {
    if (method !== request.method) return undefined;
    const got = request.path.split("/").filter(Boolean);
    if (want.length !== got.length) return undefined;
    const params: Record<string, string> = {};
    for (const [index, part] of want.entries()) {
      const actual = got[index] ?? "";
      if (part.startsWith(":")) params[part.slice(1)] = actual;
      else if (part !== actual) return undefined;
    }
    return handler(params as Record<ParamNames<S>, string>, request);
  };
}

const messageBody = (request: RecordedRequest): MessageBody => (request.body ?? {}) as MessageBody;

/** The fields an edit or update replaces on a message; what it leaves out stays. */
function pickMessage(body: MessageBody): Partial<APIMessage> {
  const picked: Partial<APIMessage> = {};
  if (body.content !== undefined) picked.content = body.content;
  if (body.embeds !== undefined) picked.embeds = body.embeds as unknown as APIMessage["embeds"];
  if (body.components !== undefined) picked.components = body.components as unknown as APIMessage["components"];
  return picked;
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

/** JSON bodies as is; multipart bodies (discord.js sends those when files are attached) by `payload_json`. */
async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  if (contentType?.startsWith("multipart/form-data")) {
    const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
    const files: RecordedFile[] = [];
    const fields: Record<string, unknown> = {};
    for (const [field, value] of form.entries()) {
      if (typeof value === "string") {
        fields[field] = value;
        continue;
      }
      const bytes = Buffer.from(await value.arrayBuffer());
      files.push({ field, filename: value.name, contentType: value.type, content: bytes.toString("utf8"), bytes });
    }
    const json = fields.payload_json;
    return { body: typeof json === "string" ? JSON.parse(json) : fields, files };
  }
  const text = raw.toString("utf8");
  if (contentType?.startsWith("application/json")) return { body: JSON.parse(text), files: [] };
  return { body: text, files: [] };
}

// ---- payload builders ----

/** A user object; pass just an id for a throwaway user. */
export function user(fields: { id: string; username?: string; global_name?: string | null }): APIUser {
  return {
    id: fields.id,
    username: fields.username ?? `user${fields.id.slice(-4)}`,
    discriminator: "0",
    global_name: fields.global_name ?? null,
    avatar: null,
  };
}

function member(who: APIUser, permissions = MEMBER_PERMISSIONS, nick: string | null = null): APIInteractionGuildMember {
  return { ...guildMember(who), nick, permissions };
}

function guildMember(who: APIUser): APIGuildMember {
  return {
    user: who,
    roles: [],
    joined_at: "2024-09-01T12:00:00.000000+00:00",
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    nick: null,
    avatar: null,
    banner: null,
    premium_since: null,
    pending: false,
    communication_disabled_until: null,
  };
}

function guildChannel(guildId: string, channel: FakeChannelInput, position: number): Record<string, unknown> {
  return {
    id: channel.id,
    type: channel.type ?? ChannelType.GuildText,
    guild_id: guildId,
    name: channel.name ?? "learning",
    position,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    default_auto_archive_duration: 1440,
    flags: 0,
  };
}

/** Where an interaction happens and who triggers it: a guild text channel unless `dm`. */
export interface WhereOptions {
  /** Defaults to ALICE. */
  user?: APIUser | { id: string; username?: string; global_name?: string | null };
  /** Defaults to GUILD_ID; ignored with `dm`. */
  guildId?: string;
  /** Defaults to CHANNEL_ID, or DM_CHANNEL_ID with `dm`. */
  channelId?: string;
  /**
   * A DM: `user` instead of `member`, channel type 1. With the bot (context 1, the guild install's key "0"), or
   * with `install: "user"` between people, where the person's own install brought the command (context 2).
   */
  dm?: boolean;
  /**
   * Which installs authorized the interaction (`authorizing_integration_owners`): the server's (default), the
   * person's own ("user": the app installed to their account, where the bot itself is not), or both.
   */
  install?: "guild" | "user" | "both";
  /** `app_permissions`: default every permission, or USER_INSTALL_APP_PERMISSIONS with `install: "user"`. */
  appPermissions?: string;
  /** The member's server nickname (`member.nick`); default none. Ignored with `dm`. */
  nick?: string;
  /**
   * The member's permissions in the channel as Discord computes them (roles and the channel's overwrites), as the
   * bitfield string: `String(PermissionFlagsBits.ManageChannels | ...)`. Default: an ordinary member's, without
   * Manage Channels. Ignored with `dm`.
   */
  permissions?: string;
  locale?: `${Locale}`;
  /** Default: a fresh snowflake. */
  id?: string;
  /** Default: derived from the id. */
  token?: string;
  appId?: string;
}

/** A loosely typed command option as tests write it: `{ name: "number", type: 4, value: 17 }`. */
export interface OptionInput {
  name: string;
  type: ApplicationCommandOptionType | number;
  value?: string | number | boolean;
  options?: OptionInput[];
  focused?: boolean;
}

function envelope(where: WhereOptions) {
  const who = where.user && "discriminator" in where.user ? where.user : user(where.user ?? ALICE);
  const id = where.id ?? snowflake();
  const locale = (where.locale ?? Locale.EnglishUS) as Locale;
  const common = {
    id,
    application_id: where.appId ?? APP_ID,
    token: where.token ?? `fake-interaction-token-${id}`,
    version: 1 as const,
    app_permissions:
      where.appPermissions ?? (where.install === "user" ? USER_INSTALL_APP_PERMISSIONS : APP_PERMISSIONS),
    locale,
    entitlements: [],
    attachment_size_limit: 10_485_760,
  };
  const install = where.install ?? "guild";
  /** The installs that authorized it; the server's key is the guild id, or "0" in the bot's DMs. */
  const owners = (guildKey: string) => ({
    ...(install === "user" ? {} : { [ApplicationIntegrationType.GuildInstall]: guildKey }),
    ...(install === "guild" ? {} : { [ApplicationIntegrationType.UserInstall]: who.id }),
  });
  if (where.dm) {
    const channelId = where.channelId ?? DM_CHANNEL_ID;
    // Between people (a user install): the bot is not one of them.
    const recipients = install === "user" ? [who, BOB] : [who];
    return {
      ...common,
      user: who,
      channel_id: channelId,
      channel: { id: channelId, type: ChannelType.DM as const, flags: 0, last_message_id: null, recipients },
      authorizing_integration_owners: owners("0"),
      context: install === "user" ? InteractionContextType.PrivateChannel : InteractionContextType.BotDM,
    };
  }
  const guildId = where.guildId ?? GUILD_ID;
  const channelId = where.channelId ?? CHANNEL_ID;
  return {
    ...common,
    guild: { id: guildId, locale, features: [] },
    guild_id: guildId,
    guild_locale: Locale.EnglishUS,
    member: member(who, where.permissions, where.nick),
    channel_id: channelId,
    channel: { id: channelId, type: ChannelType.GuildText as const, guild_id: guildId, name: "learning" },
    authorizing_integration_owners: owners(guildId),
    context: InteractionContextType.Guild,
  };
}

function commandOptions(subcommand: string | undefined, group: string | undefined, options: OptionInput[]) {
  const leaf = options as APIApplicationCommandInteractionDataOption[];
  if (!subcommand) return leaf;
  const sub = [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options: leaf }];
  return (
    group ? [{ name: group, type: ApplicationCommandOptionType.SubcommandGroup, options: sub }] : sub
  ) as APIApplicationCommandInteractionDataOption[];
}

export interface ChatInputOptions extends WhereOptions {
  /** Defaults to "roadmap". */
  name?: string;
  subcommand?: string;
  group?: string;
  options?: OptionInput[];
  commandId?: string;
}

/** An INTERACTION_CREATE `d` for a slash command: `/name [group] subcommand options...`. */
export function chatInput(input: ChatInputOptions = {}): APIChatInputApplicationCommandInteraction {
  return {
    ...envelope(input),
    type: InteractionType.ApplicationCommand,
    data: {
      id: input.commandId ?? "1290000000000000500",
      name: input.name ?? "roadmap",
      type: ApplicationCommandType.ChatInput,
      options: commandOptions(input.subcommand, input.group, input.options ?? []),
    },
  };
}

export interface AutocompleteOptions extends ChatInputOptions {
  /** The option being typed in; it gets `focused: true`. */
  focused: { name: string; type: ApplicationCommandOptionType | number; value: string };
}

/** An INTERACTION_CREATE `d` for autocomplete while the user types `focused`, after any other `options`. */
export function autocomplete(input: AutocompleteOptions): APIApplicationCommandAutocompleteInteraction {
  const options = [...(input.options ?? []), { ...input.focused, focused: true }];
  return {
    ...envelope(input),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: {
      id: input.commandId ?? "1290000000000000500",
      name: input.name ?? "roadmap",
      type: ApplicationCommandType.ChatInput,
      options: commandOptions(input.subcommand, input.group, options),
    },
  };
}

export interface ButtonClickOptions extends WhereOptions {
  customId: string;
  /** Fields of the message the button is on; defaults to a bot message carrying that button. */
  message?: Partial<APIMessage>;
}

/** An INTERACTION_CREATE `d` for a click on a button of a message the bot posted. */
export function buttonClick(input: ButtonClickOptions): APIMessageComponentButtonInteraction {
  const base = envelope(input);
  const message: APIMessage = {
    id: snowflake(),
    channel_id: base.channel_id,
    author: { ...user({ id: input.appId ?? APP_ID, username: "roadmap-bot" }), bot: true },
    content: "",
    timestamp: now(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Primary, label: "Done", custom_id: input.customId },
        ],
      },
    ],
    pinned: false,
    type: MessageType.Default,
    webhook_id: input.appId ?? APP_ID,
    application_id: input.appId ?? APP_ID,
    ...input.message,
  };
  return {
    ...base,
    type: InteractionType.MessageComponent,
    message,
    data: { custom_id: input.customId, component_type: ComponentType.Button },
  };
}

/** Everything a person reads in a message: its content and its embeds' titles, text, fields and footers. */
export const embedText = (data: MessageBody | undefined): string =>
  [
    data?.content ?? "",
    ...(data?.embeds ?? []).flatMap((embed) => {
      const e = embed as {
        title?: string;
        description?: string;
        fields?: { name: string; value: string }[];
        footer?: { text: string };
      };
      return [
        e.title ?? "",
        e.description ?? "",
        ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`),
        e.footer?.text ?? "",
      ];
    }),
  ].join("\n");
