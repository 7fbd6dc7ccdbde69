import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Slack Web API stand-in for the fan-out bench: chat.postMessage only, one message per second
 * per channel (more gets 429 + Retry-After), and a fixed share of calls answered 429 anyway, as
 * Slack does under load. The rejections come from a seeded sequence so every run sees the same.
 */
export class RateLimitedSlack {
  /** Accepted messages per channel. */
  readonly accepted = new Map<string, number>();
  rateLimited = 0;
  private readonly lastAccepted = new Map<string, number>();
  private seed = 1;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly rejectShare = 0.05) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A deterministic pseudo-random number in [0, 1) (mulberry32). */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  reset(): void {
    this.accepted.clear();
    this.lastAccepted.clear();
    this.rateLimited = 0;
    this.seed = 1;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const channel = channelOf(body, req.headers["content-type"] ?? "");
        if (!req.url?.endsWith("/chat.postMessage") || !channel) {
          res.writeHead(200, { "content-type": "application/json" }).end('{"ok":false,"error":"invalid_arguments"}');
          return;
        }
        const now = Date.now();
        const tooSoon = now - (this.lastAccepted.get(channel) ?? 0) < 1_000;
        if (tooSoon || this.random() < this.rejectShare) {
          this.rateLimited++;
          res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
          res.end('{"ok":false,"error":"ratelimited"}');
          return;
        }
        this.lastAccepted.set(channel, now);
        this.accepted.set(channel, (this.accepted.get(channel) ?? 0) + 1);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: true, channel, ts: `${Math.floor(now / 1000)}.${now % 1000}` }));
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** The channel of a chat.postMessage call, sent as a form (the Web API client) or JSON. */
function channelOf(body: string, contentType: string): string | undefined {
  if (contentType.includes("json")) return (JSON.parse(body) as { channel?: string }).channel;
  return new URLSearchParams(body).get("channel") ?? undefined;
}
