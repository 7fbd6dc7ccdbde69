import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { type WebSocket, WebSocketServer } from "ws";

/** One Web API call as the fake saw it, in arrival order, with what it answered. */
export interface ApiCall {
  method: string;
  body: string;
  /** The form fields (WebClient sends x-www-form-urlencoded; objects arrive as JSON strings). */
  params: Record<string, string>;
  /** HTTP status of the answer (429 for a scripted rate limit). */
  status: number;
  /** Slack's error code when the answer was `ok: false`. */
  error?: string;
  /** The token the call was made with (the Authorization header, or a `token` field). */
  token?: string;
}

/** A chat.postMessage that went through, as Slack would show it. */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: SlackBlock[];
  params: Record<string, string>;
}

/** A file the bot uploaded (files.getUploadURLExternal, the bytes, files.completeUploadExternal), as Slack would share it. */
export interface UploadedFile {
  id: string;
  filename: string;
  title: string;
  /** The channel (a DM is "D…") it was shared to. */
  channel: string;
  bytes: Buffer;
  /** The bytes read as UTF-8. */
  content: string;
  initialComment?: string;
  /** The message whose thread it was shared in. */
  threadTs?: string;
  /** Its alt text, for screen readers (files.getUploadURLExternal's alt_text). */
  altText?: string;
}

/** What the next calls to one channel get instead of success. */
type ScriptedOutcome =
  | { kind: "error"; error: string; extra?: object }
  | { kind: "http"; status: number }
  | { kind: "rate-limited"; retryAfter: number };

/** Workspace roles users.info reports. */
/** A workspace that installs the app through the OAuth flow. */
export interface FakeWorkspace {
  teamId: string;
  enterpriseId?: string;
  botToken: string;
  /** With token rotation on: the bot token expires after this many seconds. */
  expiresIn?: number;
  installer?: string;
  scopes?: string;
}

/** What users.info says of a person besides their id: workspace roles, profile names, time zone. */
export interface SlackRoles {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  /** profile.display_name and profile.real_name; absent, Slack sends them empty. */
  displayName?: string;
  realName?: string;
  /** IANA zone ("Europe/Berlin"). */
  tz?: string;
}

/**
 * A stand-in for Slack on 127.0.0.1: the Web API methods the bot calls, response_url endpoints,
 * and a Socket Mode WebSocket. It records what the bot sent so tests assert on real payloads.
 * Tests script failures per channel (errors, HTTP statuses, 429 with Retry-After) and workspace
 * roles per user.
 */
export class FakeSlack {
  readonly apiCalls: ApiCall[] = [];
  readonly posts: PostedMessage[] = [];
  private readonly scripts = new Map<string, { outcome: ScriptedOutcome; remaining: number }[]>();
  private readonly users = new Map<string, SlackRoles | { error: string }>();
  private postCount = 0;
  private readonly responses = new Map<string, unknown[]>();
  private readonly waiters: (() => void)[] = [];
  private server: Server | undefined;
  private sockets: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private readonly acks = new Map<string, unknown>();
  /** Files shared into a channel by files.completeUploadExternal, in order. */
  readonly uploads: UploadedFile[] = [];
  /** Upload slots handed out by files.getUploadURLExternal, with the bytes once POSTed. */
  private readonly pendingUploads = new Map<
    string,
    { filename: string; length: number; altText?: string; bytes?: Buffer }
  >();
  private readonly methodFailures = new Map<string, { error: string; extra?: object; remaining: number }>();
  private fileCount = 0;
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/respond/${id}`;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const raw = await readBody(req);
      const body = raw.toString("utf8");
      const url = req.url ?? "";
      if (url.startsWith("/upload/")) {
        const status = await this.receiveUpload(url.slice("/upload/".length), raw, req.headers["content-type"]);
        res
          .writeHead(status, { "content-type": "text/plain" })
          .end(status === 200 ? `OK - ${raw.length}` : "not found");
        this.notify();
        return;
      }
      if (url.startsWith("/respond/")) {
        const id = url.slice("/respond/".length);
        this.responses.set(id, [...(this.responses.get(id) ?? []), JSON.parse(body)]);
        this.notify();
        res.writeHead(200).end("ok");
        return;
      }
      const method = url.replace(/^\/api\//, "");
      const params = parseParams(body, req.headers["content-type"]);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? params.token;
      const { status, payload, headers } = this.answer(method, params, token);
      const error = typeof payload.error === "string" ? payload.error : undefined;
      this.apiCalls.push({ method, body, params, status, ...(error ? { error } : {}), ...(token ? { token } : {}) });
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(payload));
      this.notify();
    });
    this.sockets = new WebSocketServer({ server: this.server, path: "/link" });
    this.sockets.on("connection", (socket) => {
      this.socket = socket;
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id) this.acks.set(message.envelope_id, message.payload ?? null);
        this.notify();
      });
      socket.send(
        JSON.stringify({
          type: "hello",
          num_connections: 1,
          debug_info: { host: "fake-slack", approximate_connection_time: 3600 },
          connection_info: { app_id: "A0TEST" },
        }),
      );
      this.notify();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Resolves with the nth message the bot sent to a response_url. */
  async response(id: string, index = 0): Promise<unknown> {
    await this.until(() => (this.responses.get(id)?.length ?? 0) > index);
    return this.responses.get(id)?.[index];
  }

  /** Sends a Socket Mode envelope and resolves with the payload the bot acknowledged it with. */
  async envelope(envelopeId: string, type: string, payload: object): Promise<unknown> {
    await this.until(() => this.socket !== undefined);
    this.socket?.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
    await this.until(() => this.acks.has(envelopeId));
    return this.acks.get(envelopeId);
  }

  /** The next `times` posts to `channel` fail with Slack's error code (e.g. "not_in_channel"). */
  failChannel(channel: string, error: string, times = Number.POSITIVE_INFINITY, extra?: object): void {
    this.script(channel, { kind: "error", error, ...(extra ? { extra } : {}) }, times);
  }

  /** The next `times` posts to `channel` get this HTTP status (e.g. 500) with no Slack answer. */
  httpErrorChannel(channel: string, status: number, times = Number.POSITIVE_INFINITY): void {
    this.script(channel, { kind: "http", status }, times);
  }

  /** The next `times` posts to `channel` get 429 with `Retry-After: retryAfter` (seconds). */
  rateLimitChannel(channel: string, retryAfter: number, times = 1): void {
    this.script(channel, { kind: "rate-limited", retryAfter }, times);
  }

  /** users.info answers with these roles, names and zone for `userId` (everyone else is a plain member with none). */
  setRoles(userId: string, roles: SlackRoles): void {
    this.users.set(userId, roles);
  }

  /** users.info fails for `userId` with Slack's error code (e.g. "missing_scope"). */
  failUsersInfo(userId: string, error: string): void {
    this.users.set(userId, { error });
  }

  /**
   * The next `times` calls of a Web API method fail with Slack's error code, e.g.
   * `failMethod("files.getUploadURLExternal", "missing_scope", { needed: "files:write" })`.
   */
  failMethod(method: string, error: string, extra?: object, times = Number.POSITIVE_INFINITY): void {
    this.methodFailures.set(method, { error, ...(extra ? { extra } : {}), remaining: times });
  }

  /** Forgets scripted failures and roles (recorded calls and posts stay). */
  clearScripts(): void {
    this.scripts.clear();
    this.users.clear();
    this.methodFailures.clear();
  }

  /** Files shared to one channel (a DM is "D" plus the user id without its "U"), in order. */
  uploadsTo(channel: string): UploadedFile[] {
    return this.uploads.filter((upload) => upload.channel === channel);
  }

  /** The messages that went through to one channel (or user id, for DMs), in order. */
  postsTo(channel: string): PostedMessage[] {
    return this.posts.filter((post) => post.channel === channel);
  }

  /** The Web API calls of one method, optionally to one channel, in arrival order. */
  callsTo(method: string, channel?: string): ApiCall[] {
    return this.apiCalls.filter(
      (call) => call.method === method && (channel === undefined || call.params.channel === channel),
    );
  }

  /** Resolves once the condition holds; re-checked after every request the fake receives. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private script(channel: string, outcome: ScriptedOutcome, times: number): void {
    this.scripts.set(channel, [...(this.scripts.get(channel) ?? []), { outcome, remaining: times }]);
  }

  private scripted(channel: string): ScriptedOutcome | undefined {
    const queue = this.scripts.get(channel);
    const next = queue?.[0];
    if (!queue || !next) return undefined;
    next.remaining--;
    if (next.remaining <= 0) queue.shift();
    return next.outcome;
  }

  private answer(
    method: string,
    params: Record<string, string>,
    token?: string,
  ): { status: number; payload: Record<string, unknown>; headers?: Record<string, string> } {
    const failure = this.methodFailures.get(method);
    if (failure && failure.remaining > 0) {
      failure.remaining--;
      return { status: 200, payload: { ok: false, error: failure.error, ...failure.extra } };
    }
    if (method === "chat.postMessage") return this.postMessage(params);
    if (method === "conversations.open") return { status: 200, payload: this.openConversation(params) };
    if (method === "files.getUploadURLExternal") return { status: 200, payload: this.uploadUrl(params) };
    if (method === "files.completeUploadExternal") return { status: 200, payload: this.completeUploads(params) };
    if (method === "users.info") return { status: 200, payload: this.userInfo(params.user ?? "") };
    if (method === "oauth.v2.access") return { status: 200, payload: this.oauthAccess(params) };
    if (method === "conversations.info") return { status: 200, payload: this.conversationInfo(params.channel ?? "") };
    const workspace = token ? this.workspaceOf(token) : undefined;
    if (method === "auth.test" && workspace)
      return {
        status: 200,
        payload: {
          ok: true,
          url: `https://${workspace.teamId.toLowerCase()}.slack.com/`,
          team_id: workspace.teamId,
          user_id: `U0BOT${workspace.teamId}`,
          bot_id: `B0BOT${workspace.teamId}`,
          ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
        },
      };
    if (token && this.revoked.has(token)) return { status: 200, payload: { ok: false, error: "token_revoked" } };
    return { status: 200, payload: this.simpleAnswer(method) };
  }

  private postMessage(params: Record<string, string>) {
    const channel = params.channel ?? "";
    const outcome = this.scripted(channel);
    if (outcome?.kind === "rate-limited") {
      return {
        status: 429,
        payload: { ok: false, error: "ratelimited" },
        headers: { "retry-after": String(outcome.retryAfter) },
      };
    }
    if (outcome?.kind === "http") return { status: outcome.status, payload: { ok: false, error: "fake_http_error" } };
    if (outcome?.kind === "error")
      return { status: 200, payload: { ok: false, error: outcome.error, ...outcome.extra } };
    if (!params.text && !params.blocks) return { status: 200, payload: { ok: false, error: "no_text" } };
    const ts = `1700000000.${String(++this.postCount).padStart(6, "0")}`;
    this.posts.push({
      channel,
      ts,
      text: params.text ?? "",
      blocks: params.blocks ? (JSON.parse(params.blocks) as SlackBlock[]) : [],
      params,
    });
    // A user id as channel means the app's DM with that person; Slack answers with the DM's id.
    const answered = channel.startsWith("U") ? `D${channel.slice(1)}` : channel;
    return { status: 200, payload: { ok: true, channel: answered, ts, message: { text: params.text ?? "", ts } } };
  }

  /** The app's DM with a person: "D" plus the user id without its "U", as postMessage answers too. */
  private openConversation(params: Record<string, string>): Record<string, unknown> {
    const userId = params.users ?? "";
    if (!userId || userId.includes(",")) return { ok: false, error: "invalid_arguments" };
    return { ok: true, channel: { id: `D${userId.replace(/^U/, "")}` } };
  }

  private uploadUrl(params: Record<string, string>): Record<string, unknown> {
    const length = Number(params.length);
    if (!params.filename || !Number.isInteger(length) || length < 0) return { ok: false, error: "invalid_arguments" };
    const id = `F${String(++this.fileCount).padStart(6, "0")}`;
    this.pendingUploads.set(id, {
      filename: params.filename,
      length,
      ...(params.alt_text ? { altText: params.alt_text } : {}),
    });
    return { ok: true, file_id: id, upload_url: `http://127.0.0.1:${this.port}/upload/${id}` };
  }

  /** The upload URL takes the bytes raw or as multipart form data (WebClient sends a form with one file). */
  private async receiveUpload(id: string, raw: Buffer, contentType: string | undefined): Promise<number> {
    const pending = this.pendingUploads.get(id);
    if (!pending) return 404;
    pending.bytes = contentType?.startsWith("multipart/form-data") ? await firstFormFile(raw, contentType) : raw;
    return 200;
  }

  private completeUploads(params: Record<string, string>): Record<string, unknown> {
    const files = JSON.parse(params.files ?? "[]") as { id: string; title?: string }[];
    const channel = params.channel_id ?? params.channels ?? "";
    const ready = files.map((file) => ({ file, pending: this.pendingUploads.get(file.id) }));
    // Slack refuses to complete a file whose bytes never arrived.
    if (ready.length === 0 || ready.some(({ pending }) => pending?.bytes === undefined))
      return { ok: false, error: "file_not_found" };
    for (const { file, pending } of ready) {
      const bytes = pending?.bytes ?? Buffer.alloc(0);
      this.uploads.push({
        id: file.id,
        filename: pending?.filename ?? "",
        title: file.title ?? pending?.filename ?? "",
        channel,
        bytes,
        content: bytes.toString("utf8"),
        ...(params.initial_comment ? { initialComment: params.initial_comment } : {}),
        ...(params.thread_ts ? { threadTs: params.thread_ts } : {}),
        ...(pending?.altText ? { altText: pending.altText } : {}),
      });
      this.pendingUploads.delete(file.id);
    }
    return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title ?? "" })) };
  }

  /** Workspaces that can install the app: the `code` Slack hands back, and what oauth.v2.access then says. */
  private readonly grants = new Map<string, FakeWorkspace>();
  /** Bot tokens handed out, by token; refresh tokens, by refresh token. */
  private readonly tokens = new Map<string, FakeWorkspace>();
  private readonly refreshTokens = new Map<string, FakeWorkspace>();
  private readonly revoked = new Set<string>();
  /** How many times each workspace's token was refreshed (grant_type=refresh_token). */
  readonly refreshes = new Map<string, number>();

  /**
   * Lets a workspace install the app: when the install flow comes back with `code`, oauth.v2.access
   * answers with this workspace and its bot token (rotating, expiring in `expiresIn` s, when set).
   */
  grant(code: string, workspace: FakeWorkspace): void {
    this.grants.set(code, workspace);
  }

  /** Private channels and whether the bot was invited; every other channel reads as public. */
  private readonly privateChannels = new Map<string, { member: boolean }>();

  /** conversations.info says the channel is private, with the bot in it or not. */
  privateChannel(channelId: string, member: boolean): void {
    this.privateChannels.set(channelId, { member });
  }

  private conversationInfo(channelId: string): Record<string, unknown> {
    const closed = this.privateChannels.get(channelId);
    // Slack hides a private channel from a bot that is not in it.
    if (closed && !closed.member) return { ok: false, error: "channel_not_found" };
    return { ok: true, channel: { id: channelId, is_private: Boolean(closed), is_member: true } };
  }

  /** Slack stops accepting a bot token (the workspace uninstalled the app). */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  private workspaceOf(token: string): FakeWorkspace | undefined {
    return this.revoked.has(token) ? undefined : this.tokens.get(token);
  }

  private oauthAccess(params: Record<string, string>): Record<string, unknown> {
    if (params.grant_type === "refresh_token") {
      const workspace = this.refreshTokens.get(params.refresh_token ?? "");
      if (!workspace) return { ok: false, error: "invalid_refresh_token" };
      this.refreshTokens.delete(params.refresh_token ?? "");
      const count = (this.refreshes.get(workspace.teamId) ?? 0) + 1;
      this.refreshes.set(workspace.teamId, count);
      const token = `${workspace.botToken}-r${count}`;
      this.tokens.set(token, workspace);
      this.refreshTokens.set(`refresh-${token}`, workspace);
      return {
        ok: true,
        access_token: token,
        refresh_token: `refresh-${token}`,
        // A refreshed token lasts 12 hours, as Slack's do.
        expires_in: 43_200,
        token_type: "bot",
      };
    }
    const workspace = this.grants.get(params.code ?? "");
    if (!workspace) return { ok: false, error: "invalid_code" };
    this.grants.delete(params.code ?? "");
    this.tokens.set(workspace.botToken, workspace);
    if (workspace.expiresIn) this.refreshTokens.set(`refresh-${workspace.botToken}`, workspace);
    return {
      ok: true,
      app_id: "A0TEST",
      authed_user: { id: workspace.installer ?? "U0INSTALLER" },
      scope: workspace.scopes ?? "commands,chat:write",
      token_type: "bot",
      access_token: workspace.botToken,
      bot_user_id: `U0BOT${workspace.teamId}`,
      team: { id: workspace.teamId, name: `Team ${workspace.teamId}` },
      enterprise: workspace.enterpriseId ? { id: workspace.enterpriseId, name: "Org" } : null,
      is_enterprise_install: false,
      ...(workspace.expiresIn
        ? { refresh_token: `refresh-${workspace.botToken}`, expires_in: workspace.expiresIn }
        : {}),
    };
  }

  private userInfo(userId: string): Record<string, unknown> {
    const known = this.users.get(userId);
    if (known && "error" in known) return { ok: false, error: known.error };
    return {
      ok: true,
      user: {
        id: userId,
        name: userId.toLowerCase(),
        is_bot: false,
        is_admin: known?.is_admin ?? false,
        is_owner: known?.is_owner ?? false,
        is_primary_owner: known?.is_primary_owner ?? false,
        ...(known?.tz ? { tz: known.tz } : {}),
        profile: { display_name: known?.displayName ?? "", real_name: known?.realName ?? "" },
      },
    };
  }

  private simpleAnswer(method: string): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.com/",
          team: "Fake",
          user: "roadmap",
          team_id: "T0TEST",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        };
      case "apps.connections.open":
        return { ok: true, url: `ws://127.0.0.1:${this.port}/link` };
      default:
        return { ok: true };
    }
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** Web API bodies are form-encoded (WebClient's default) or JSON; either way, a flat record of strings. */
function parseParams(body: string, contentType: string | undefined): Record<string, string> {
  if (!body) return {};
  if (contentType?.includes("application/json")) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

async function firstFormFile(raw: Buffer, contentType: string): Promise<Buffer> {
  const form = await new Response(new Uint8Array(raw), { headers: { "content-type": contentType } }).formData();
  for (const value of form.values()) if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  return Buffer.alloc(0);
}

/** Signs a request body the way Slack does: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  signature?: string;
  /** Events come as JSON; commands and clicks as a form (the default). */
  contentType?: "application/json" | "application/x-www-form-urlencoded";
}

/** POSTs a body to the bot the way Slack does, signed. */
export async function postSigned(url: string, body: string, options: SignedPostOptions) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? slackSignature(options.secret, timestamp, body),
    },
    body,
  });
  const text = await response.text();
  const contentType = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    text,
    contentType,
    /** The answer as Slack reads it: a message only when it comes as JSON, else Slack shows the body as plain text. */
    json: () => {
      if (!contentType.startsWith("application/json")) {
        throw new Error(`the answer's content type is "${contentType}", so Slack would not read it as a message`);
      }
      return JSON.parse(text) as SlackResponse;
    },
  };
}

export interface SlackResponse {
  response_type?: string;
  text?: string;
  blocks?: SlackBlock[];
  replace_original?: boolean;
}

export interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  accessory?: { type: string; value?: string; action_id?: string };
  elements?: { type: string; text?: string | { text: string }; value?: string; action_id?: string }[];
  image_url?: string;
  alt_text?: string;
}

export const slashCommandBody = (fields: {
  text: string;
  user?: string;
  responseUrl: string;
  /** Where the command was typed; a DM is channel "D…" named "directmessage". */
  channelId?: string;
  channelName?: string;
  /** The legacy user name Slack sends with a command (default "alice"). */
  userName?: string;
  /** The workspace it came from (default T0TEST). */
  team?: string;
}) =>
  new URLSearchParams({
    token: "legacy-token",
    team_id: fields.team ?? "T0TEST",
    team_domain: "fake",
    channel_id: fields.channelId ?? "C0TEST",
    channel_name: fields.channelName ?? "learning",
    user_id: fields.user ?? "U0ALICE",
    user_name: fields.userName ?? "alice",
    command: "/roadmap",
    text: fields.text,
    api_app_id: "A0TEST",
    response_url: fields.responseUrl,
    trigger_id: "1.2.3",
  }).toString();

export const buttonClickBody = (fields: { actionId: string; value: string; user?: string; responseUrl: string }) =>
  new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      api_app_id: "A0TEST",
      token: "legacy-token",
      trigger_id: "1.2.3",
      response_url: fields.responseUrl,
      team: { id: "T0TEST", domain: "fake" },
      user: { id: fields.user ?? "U0ALICE", username: "alice", name: "alice", team_id: "T0TEST" },
      channel: { id: "C0TEST", name: "learning" },
      container: { type: "message", message_ts: "1.1", channel_id: "C0TEST", is_ephemeral: true },
      actions: [
        {
          type: "button",
          action_id: fields.actionId,
          block_id: "b1",
          value: fields.value,
          action_ts: "1.2",
          text: { type: "plain_text", text: "Done" },
        },
      ],
    }),
  }).toString();

/** All text a message shows, joined, for "does it contain" assertions. */
export function messageText(message: SlackResponse): string {
  const parts: string[] = [message.text ?? ""];
  for (const block of message.blocks ?? []) {
    if (block.text) parts.push(block.text.text);
    for (const field of block.fields ?? []) parts.push(field.text);
    for (const element of block.elements ?? []) {
      if (typeof element.text === "string") parts.push(element.text);
      else if (element.text) parts.push(element.text.text);
      if (element.value) parts.push(element.value);
    }
  }
  return parts.join("\n");
}

/** Block Kit's documented limits: what Slack itself enforces. */
export function blockKitViolations(message: SlackResponse): string[] {
  const problems: string[] = [];
  const blocks = message.blocks ?? [];
  if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
  for (const block of blocks) {
    if (block.type === "section" && block.text && block.text.text.length > 3000)
      problems.push(`section text ${block.text.text.length}`);
    if (block.type === "header" && block.text && block.text.text.length > 150)
      problems.push(`header ${block.text.text.length}`);
    if ((block.fields?.length ?? 0) > 10) problems.push(`${block.fields?.length} fields`);
    for (const field of block.fields ?? []) if (field.text.length > 2000) problems.push(`field ${field.text.length}`);
    if (block.type === "actions" && (block.elements?.length ?? 0) > 25)
      problems.push(`${block.elements?.length} elements`);
    if (block.type === "image") {
      // An image block is a publicly hosted PNG, JPEG or GIF with alt text (Block Kit reference).
      const url = block.image_url ?? "";
      if (!/^https?:\/\//.test(url)) problems.push(`image url ${JSON.stringify(url.slice(0, 50))}`);
      if (url.length > 3000) problems.push(`image url ${url.length}`);
      if (!block.alt_text) problems.push("image without alt text");
      if ((block.alt_text?.length ?? 0) > 2000) problems.push(`image alt text ${block.alt_text?.length}`);
    }
    for (const element of block.elements ?? []) {
      if (element.type === "button") {
        const label = typeof element.text === "string" ? element.text : (element.text?.text ?? "");
        if (label.length > 75) problems.push(`button text ${label.length}`);
        if ((element.value?.length ?? 0) > 2000) problems.push(`button value ${element.value?.length}`);
        if ((element.action_id?.length ?? 0) > 255) problems.push(`action id ${element.action_id?.length}`);
      }
    }
  }
  return problems;
}

/**
 * The environment of a bot in Slack HTTP mode against this fake, on an ephemeral port, with the
 * shipped content and no logging: what the e2e tests start the bot with.
 */
export const slackHttpEnv = (fake: FakeSlack, signingSecret: string) => ({
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: signingSecret,
  SLACK_API_URL: fake.apiUrl,
  PORT: "0",
  CONTENT_DIR: path.resolve(import.meta.dirname, "../../content"),
  LOG_LEVEL: "silent",
});

type SlackButton = NonNullable<SlackBlock["elements"]>[number];

/** A button's label as the person sees it. */
export const labelOf = (button: SlackButton): string =>
  typeof button.text === "string" ? button.text : (button.text?.text ?? "");

/** A block_actions payload as Slack sends it for a click on one of the bot's buttons. */
export function clickBody(fields: {
  team: string;
  button: SlackButton;
  person: { user: string; name: string };
  channelId: string;
  responseUrl: string;
  /** The message the button is on: ephemeral (a private answer) or a channel post. */
  ephemeral: boolean;
  messageTs?: string;
  /** The button is on the Home tab or in a modal instead: no message, no channel, no response_url. */
  view?: { id: string; type: "home" | "modal" };
}): string {
  const common = {
    type: "block_actions",
    api_app_id: "A0TEST",
    token: "legacy-token",
    team: { id: fields.team, domain: "fake" },
    user: { id: fields.person.user, username: fields.person.name, name: fields.person.name, team_id: fields.team },
    actions: [clickedAction(fields.button)],
  };
  const where = fields.view
    ? {
        trigger_id: "12345.98765.abcd",
        container: { type: "view", view_id: fields.view.id },
        view: { id: fields.view.id, type: fields.view.type, team_id: fields.team, blocks: [] },
      }
    : {
        trigger_id: "1.2.3",
        response_url: fields.responseUrl,
        channel: { id: fields.channelId, name: "learning" },
        container: {
          type: "message",
          message_ts: fields.messageTs ?? "1.1",
          channel_id: fields.channelId,
          is_ephemeral: fields.ephemeral,
        },
      };
  return new URLSearchParams({ payload: JSON.stringify({ ...common, ...where }) }).toString();
}

const clickedAction = (button: SlackButton) => ({
  type: "button",
  action_id: button.action_id,
  block_id: "b1",
  value: button.value,
  action_ts: "1.2",
  text: { type: "plain_text", text: labelOf(button) },
});
