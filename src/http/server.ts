import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface HttpServerOptions {
  /** Slack's HTTP-mode endpoint; absent when Slack is off or in Socket Mode. */
  slackEvents?: RequestListener;
  /** GET /slack/install and /slack/oauth_redirect: installing to many workspaces; absent for one workspace. */
  slackInstall?: RequestListener;
  /** Whether the bot can serve: the store answers and every platform is connected. */
  ready: () => Promise<boolean>;
  /** False when a platform has failed for good and only a restart helps. */
  alive: () => boolean;
  /** Served at GET /metrics in Prometheus text format; absent means 404 there. */
  metrics?: Registry;
  /** GET /images/…png: a signed picture link's PNG, or undefined (404) when the link is not valid. */
  images?: (path: string) => Promise<Buffer | undefined>;
}

const send = (res: ServerResponse, status: number, body: object) => {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
};

/**
 * The bot's one HTTP server: health and metrics for orchestrators, and Slack's HTTP mode. Routes are fixed
 * paths; anything else is 404, so nothing but Slack's signed endpoint reaches Bolt.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // After close(), a kept-alive connection ends once its answer is out, not keepAliveTimeout later.
    res.once("close", () => {
      if (!server.listening) setImmediate(() => server.closeIdleConnections());
    });
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/slack/events" && options.slackEvents) {
      options.slackEvents(req, res);
      return;
    }
    if (
      req.method === "GET" &&
      (path === "/slack/install" || path === "/slack/oauth_redirect") &&
      options.slackInstall
    ) {
      options.slackInstall(req, res);
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      const alive = options.alive();
      send(res, alive ? 200 : 503, { status: alive ? "ok" : "failed" });
      return;
    }
    if (req.method === "GET" && path === "/readyz") {
      options.ready().then(
        (ready) => send(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" }),
        () => send(res, 503, { status: "not ready" }),
      );
      return;
    }
    if (req.method === "GET" && path === "/metrics" && options.metrics) {
      const registry = options.metrics;
      registry.metrics().then(
        (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
        () => send(res, 500, { error: "metrics unavailable" }),
      );
      return;
    }
    if (req.method === "GET" && path?.startsWith("/images/") && options.images) {
      options.images(path).then(
        (png) => {
          if (!png) send(res, 404, { error: "not found" });
          // The link fixes the picture, so anyone (Slack's image proxy) may keep it for its day.
          else res.writeHead(200, { "content-type": "image/png", "cache-control": "public, max-age=86400" }).end(png);
        },
        () => send(res, 500, { error: "picture unavailable" }),
      );
      return;
    }
    send(res, 404, { error: "not found" });
  });
  return server;
}

/** Listens on `port` (0 picks a free one) on all interfaces; resolves with the port in use. */
export function listen(server: Server, port: number, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
