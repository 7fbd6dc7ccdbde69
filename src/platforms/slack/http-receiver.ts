import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse as parseForm } from "node:querystring";
import {
  type App,
  defaultBodyLimit,
  HTTPModuleFunctions,
  type Receiver,
  type ReceiverEvent,
  ReceiverMultipleAckError,
  type Logger as SlackLogger,
  verifySlackRequest,
} from "@slack/bolt";
import { deadline } from "../within.ts";
import { preparedJson } from "./blocks.ts";

/** Bolt's HTTPReceiver answers 404 to a request nobody acknowledged within this long (Slack gives up at 3 s). */
const unacknowledgedAfterMs = 3_001;

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** An acknowledgement as Slack reads it: nothing, text as is, or a message as JSON (its bytes ready when we made it). */
function writeAck(res: ServerResponse, response: unknown): void {
  if (!response) {
    res.writeHead(200, { "content-length": 0 }).end();
    return;
  }
  if (typeof response === "string") {
    res.writeHead(200, { "content-length": Buffer.byteLength(response) }).end(response);
    return;
  }
  const bytes = preparedJson(response) ?? Buffer.from(JSON.stringify(response));
  res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length }).end(bytes);
}

const noBody = (res: ServerResponse, status: number): void => {
  res.writeHead(status, { "content-length": 0 }).end();
};

/**
 * Slack's HTTP endpoint for Bolt (POST /slack/events on our server), in place of Bolt's
 * HTTPReceiver and with the same contract: Slack's signature is checked with Bolt's own
 * verifySlackRequest (stale or wrong: 401), `ssl_check` and `url_verification` are answered, the
 * payload goes to App.processEvent, an error there is answered as Bolt's default handler does,
 * and a request nobody acknowledges gets a 404 after 3 s. What it does not do, it does to serve
 * each command with less: the form is parsed once (HTTPReceiver parses it twice), no URL object
 * or stream helper per request, one shared timer for the 3 s instead of one each, and an
 * acknowledgement written in one piece with its length, a message rendered here as the JSON bytes
 * made while rendering it.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: { signingSecret: string; logger: SlackLogger; bodyLimit?: number }) {}

  init(app: App): void {
    this.app = app;
  }

  /** Our HTTP server listens; there is nothing to start or stop here. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  readonly requestListener: RequestListener = (req, res) => {
    const limit = this.options.bodyLimit ?? defaultBodyLimit;
    if (req.method !== "POST" || Number(header(req, "content-length") ?? 0) > limit) {
      noBody(res, req.method === "POST" ? 413 : 404);
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    req.on("data", (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    req.on("end", () => {
      if (length > limit) noBody(res, 413);
      else this.receive(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.on("error", () => res.destroy());
  };

  /** The verified payload, or undefined once the request is answered (an SSL check, or refused). */
  private payload(req: IncomingMessage, res: ServerResponse, raw: Buffer): Record<string, unknown> | undefined {
    const { logger } = this.options;
    const text = raw.toString("utf8");
    const fields =
      header(req, "content-type") === "application/x-www-form-urlencoded"
        ? (parseForm(text) as Record<string, unknown>)
        : undefined;
    // Slack's SSL check carries no signature; nothing else of the request is read.
    if (fields?.ssl_check === "1") {
      noBody(res, 200);
      return undefined;
    }
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: text,
        headers: {
          "x-slack-signature": header(req, "x-slack-signature") ?? "",
          "x-slack-request-timestamp": Number(header(req, "x-slack-request-timestamp")),
        },
        logger,
      });
    } catch (error) {
      logger.warn(`Failed to parse and verify the request data: ${(error as Error).message}`);
      noBody(res, 401);
      return undefined;
    }
    try {
      if (!fields) return JSON.parse(text) as Record<string, unknown>;
      return typeof fields.payload === "string" ? (JSON.parse(fields.payload) as Record<string, unknown>) : fields;
    } catch (error) {
      logger.warn(`Malformed request body: ${(error as Error).message}`);
      noBody(res, 400);
      return undefined;
    }
  }

  private receive(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const { logger } = this.options;
    const body = this.payload(req, res, raw);
    if (!body) return;
    if (body.type === "url_verification") {
      HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
      return;
    }
    let acknowledged = false;
    const cancel = deadline(unacknowledgedAfterMs, () => {
      if (acknowledged) return;
      acknowledged = true;
      HTTPModuleFunctions.defaultUnhandledRequestHandler({ logger, request: req, response: res });
    });
    const ack = async (response?: unknown): Promise<void> => {
      if (acknowledged) throw new ReceiverMultipleAckError();
      acknowledged = true;
      cancel();
      writeAck(res, response);
    };
    const retryNum = header(req, "x-slack-retry-num");
    const retryReason = header(req, "x-slack-retry-reason");
    const event: ReceiverEvent = {
      body,
      ack,
      ...(retryNum === undefined ? {} : { retryNum: Number.parseInt(retryNum, 10) }),
      ...(retryReason === undefined ? {} : { retryReason }),
    };
    this.app?.processEvent(event).catch(async (error: unknown) => {
      const answered = await HTTPModuleFunctions.defaultProcessEventErrorHandler({
        error: error as Error,
        logger,
        request: req,
        response: res,
        storedResponse: undefined,
      });
      // Answered now (an error page) or before (the error came after ack): nothing left to time out.
      if (answered || res.headersSent) {
        acknowledged = true;
        cancel();
      }
    });
  }
}
