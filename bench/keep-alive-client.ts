/**
 * The benches' HTTP/1.1 client for load generators (bench/replica-load.ts, bench/images-load.ts):
 * see KeepAliveClient. Moved out of replica-load.ts so another generator can use it without
 * running that file's order loop.
 */
import { connect, type Socket } from "node:net";

export type BodyEncoding = "utf8" | "latin1";

/** What a request came to: the status and body of the answer, or why there is none. */
/** `type`: the Content-Type header, lower case ("" when absent). */
export type HttpReply = { status: number; type: string; body: string } | { failed: string };

const noBytes = Buffer.alloc(0);

/** One kept-alive socket of a KeepAliveClient. */
interface Connection {
  socket: Socket;
  /** Bytes of the answer received so far (answers may come in several `data` events). */
  received: Buffer;
  /** The request in flight on it, if any: at most one (no pipelining). */
  done: ((reply: HttpReply) => void) | undefined;
  /** Why the socket died, heard on `error`, reported on `close`. */
  error: Error | undefined;
}

/**
 * A minimal HTTP/1.1 keep-alive client, in the style of wrk or autocannon. This process shares the
 * machine's two cores with the bots it measures, so every bit of its CPU is taken from them, and
 * node:http's client (a ClientRequest, an IncomingMessage and their streams, header objects and
 * the Agent's bookkeeping, per request) made it spend about 1.5 to 2 times the CPU per request.
 * Here a request is one Buffer written to a persistent socket and its answer is read from the bytes.
 *
 * Up to `maxSockets` sockets to one host, one request in flight on each (no pipelining); requests
 * beyond that wait here in order (the callers keep within the limit, so none should).
 * Reads what Node's HTTP server sends: a status line, headers, and a body framed by Content-Length
 * or chunked (Bolt calls writeHead before end, so its answers are chunked), or, with neither, by
 * the socket closing. A socket that closes is dropped and the next request opens a new one;
 * the request in flight on it fails, with node:http's messages ("socket hang up", "aborted").
 */
export class KeepAliveClient {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: { payload: Buffer; done: (reply: HttpReply) => void }[] = [];
  private closing = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    /** No byte from the bot for this long while a request is in flight fails it, as node:http's `timeout`. */
    private readonly timeoutMs: number,
    /** How bodies become strings: "latin1" keeps every byte as one character, for binary answers (PNGs). */
    private readonly encoding: BodyEncoding = "utf8",
  ) {}

  /** Writes `payload` (a whole request) on a free socket; `done` hears the answer once. */
  request(payload: Buffer, done: (reply: HttpReply) => void): void {
    const connection = this.idle.pop() ?? (this.all.size < this.maxSockets ? this.connect() : undefined);
    if (connection) this.start(connection, payload, done);
    else this.waiting.push({ payload, done });
  }

  close(): void {
    this.closing = true;
    for (const connection of this.all) connection.socket.destroy();
  }

  private connect(): Connection {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const connection: Connection = { socket, received: noBytes, done: undefined, error: undefined };
    this.all.add(connection);
    // The socket's idle timer is node:http's request timeout: it runs again at every byte.
    socket.setTimeout(this.timeoutMs, () => {
      if (connection.done) socket.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
    });
    socket.on("data", (chunk: Buffer) => this.receive(connection, chunk));
    socket.on("error", (error) => {
      connection.error = error;
    });
    socket.on("close", () => this.closed(connection));
    return connection;
  }

  private start(connection: Connection, payload: Buffer, done: (reply: HttpReply) => void): void {
    connection.done = done;
    connection.socket.write(payload);
  }

  private receive(connection: Connection, chunk: Buffer): void {
    const bytes = connection.received.length === 0 ? chunk : Buffer.concat([connection.received, chunk]);
    let answer: ReturnType<typeof parseAnswer>;
    try {
      answer = parseAnswer(bytes, false, this.encoding);
    } catch (error) {
      connection.socket.destroy(error as Error);
      return;
    }
    if (!answer) {
      connection.received = bytes;
      return;
    }
    const done = connection.done;
    connection.received = noBytes;
    connection.done = undefined;
    // Nothing may follow an answer but the next request's: anything else leaves the socket unusable.
    if (answer.keepAlive && answer.end === bytes.length && done) this.release(connection);
    else connection.socket.destroy();
    done?.({ status: answer.status, type: answer.type, body: answer.body });
  }

  /** A socket free again takes the first waiting request, or waits itself. */
  private release(connection: Connection): void {
    const next = this.waiting.shift();
    if (next) this.start(connection, next.payload, next.done);
    else this.idle.push(connection);
  }

  private closed(connection: Connection): void {
    this.all.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    const done = connection.done;
    connection.done = undefined;
    if (done) {
      // A body that runs until the socket closes is complete now; any other answer was cut short.
      let answer: ReturnType<typeof parseAnswer>;
      try {
        answer = connection.received.length > 0 ? parseAnswer(connection.received, true, this.encoding) : undefined;
      } catch {
        answer = undefined;
      }
      if (answer) done({ status: answer.status, type: answer.type, body: answer.body });
      else if (connection.received.indexOf("\r\n\r\n") >= 0) done({ failed: "response failed: aborted" });
      else done({ failed: `request failed: ${connection.error?.message ?? "socket hang up"}` });
    }
    // Requests that waited for a socket get a new one.
    const next = this.closing ? undefined : this.waiting.shift();
    if (next) this.start(this.connect(), next.payload, next.done);
  }
}

/**
 * The answer at the start of `bytes`, or undefined while more bytes are needed. `closed`: the socket
 * has closed, which ends a body framed by neither Content-Length nor chunked. Throws on bytes that
 * are not an HTTP/1.1 answer.
 */
function parseAnswer(
  bytes: Buffer,
  closed: boolean,
  encoding: BodyEncoding,
): { status: number; type: string; body: string; keepAlive: boolean; end: number } | undefined {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const lines = bytes.toString("latin1", 0, headEnd).split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify((lines[0] ?? "").slice(0, 100))}`);
  let length: number | undefined;
  let chunked = false;
  let type = "";
  let keepAlive = (lines[0] ?? "").startsWith("HTTP/1.1");
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    if (name === "content-length") length = Number(value);
    else if (name === "transfer-encoding") chunked = value.endsWith("chunked");
    else if (name === "content-type") type = value;
    else if (name === "connection") keepAlive = value === "keep-alive" || (keepAlive && value !== "close");
  }
  const bodyStart = headEnd + 4;
  const code = Number(status[1]);
  if (chunked) {
    const body = dechunk(bytes, bodyStart, encoding);
    return body && { status: code, type, body: body.text, keepAlive, end: body.end };
  }
  if (length !== undefined) {
    if (!Number.isInteger(length) || length < 0) throw new Error(`bad content-length ${length}`);
    if (bytes.length < bodyStart + length) return undefined;
    return {
      status: code,
      type,
      body: bytes.toString(encoding, bodyStart, bodyStart + length),
      keepAlive,
      end: bodyStart + length,
    };
  }
  if (code === 204 || code === 304) return { status: code, type, body: "", keepAlive, end: bodyStart };
  return closed
    ? { status: code, type, body: bytes.toString(encoding, bodyStart), keepAlive: false, end: bytes.length }
    : undefined;
}

/** A chunked body from `at`: its text and where it ends (after the trailers), or undefined if incomplete. */
function dechunk(bytes: Buffer, at: number, encoding: BodyEncoding): { text: string; end: number } | undefined {
  const chunks: Buffer[] = [];
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    // The size is hex, maybe followed by ";extension", which parseInt stops at.
    const size = Number.parseInt(bytes.toString("latin1", at, lineEnd), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error("bad chunk size");
    at = lineEnd + 2;
    if (size === 0) {
      // Trailer lines, if any, then an empty line: the first CRLF CRLF from the size line's CRLF.
      const end = bytes.indexOf("\r\n\r\n", at - 2);
      if (end < 0) return undefined;
      const text =
        chunks.length === 1 ? (chunks[0] as Buffer).toString(encoding) : Buffer.concat(chunks).toString(encoding);
      return { text, end: end + 4 };
    }
    if (bytes.length < at + size + 2) return undefined;
    chunks.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}
