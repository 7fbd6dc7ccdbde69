import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** What a token refresh answers, as Slack's oauth.v2.access does. */
export const refreshedExpiresIn = 43_200;

/**
 * Slack's oauth.v2.access for token rotation, on 127.0.0.1: each refresh token it issued works
 * once (a second use answers invalid_refresh_token, as Slack's do), and it counts every call.
 */
export class FakeSlackOAuth {
  /** Every oauth.v2.access request, refused ones included. */
  calls = 0;
  /** The access tokens handed out, in order. */
  readonly issued: string[] = [];
  /** The next answers, instead of a refresh: an HTTP status or a Slack error code. */
  readonly failures: ({ status: number } | { error: string })[] = [];
  private readonly live = new Set<string>();
  private server: Server | undefined;
  private port = 0;

  constructor(
    readonly clientId = "111.222",
    readonly clientSecret = "client-secret",
    /** How long each answer takes: long enough that callers in this process and another really overlap with it. */
    private readonly delayMs = 150,
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A refresh token it will accept once, as one a real install would carry. */
  refreshToken(): string {
    const token = `xoxe-1-${randomUUID()}`;
    this.live.add(token);
    return token;
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += String(chunk);
      const params = new URLSearchParams(body);
      this.calls += 1;
      await sleep(this.delayMs);
      const { status, payload } = this.answer(req.url ?? "", params);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(url: string, params: URLSearchParams): { status: number; payload: object } {
    if (url !== "/api/oauth.v2.access") return { status: 404, payload: { ok: false, error: "unknown_method" } };
    const failure = this.failures.shift();
    if (failure) return "status" in failure ? { status: failure.status, payload: {} } : refused(failure.error);
    if (params.get("client_id") !== this.clientId) return refused("invalid_client_id");
    if (params.get("client_secret") !== this.clientSecret) return refused("bad_client_secret");
    if (params.get("grant_type") !== "refresh_token") return refused("invalid_grant_type");
    const used = params.get("refresh_token") ?? "";
    if (!this.live.delete(used)) return refused("invalid_refresh_token");
    const accessToken = `xoxe.xoxb-${randomUUID()}`;
    this.issued.push(accessToken);
    return {
      status: 200,
      payload: {
        ok: true,
        app_id: "A0TEST",
        access_token: accessToken,
        refresh_token: this.refreshToken(),
        expires_in: refreshedExpiresIn,
        token_type: "bot",
        scope: "commands,chat:write",
        bot_user_id: "U0BOT",
      },
    };
  }
}

const refused = (error: string) => ({ status: 200, payload: { ok: false, error } });
