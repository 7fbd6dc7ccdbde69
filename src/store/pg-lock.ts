import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.ts";
import { StoreError } from "./store.ts";

/** The part of a node-postgres `Client` the lock uses; a fresh one per connection, since pg clients are not reusable. */
export interface PgLockClient {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "end", listener: () => void): unknown;
}

export interface PgLockOptions {
  /** How long to wait for a busy lock (or a dead connection's replacement) before giving up with a StoreError. */
  waitMs: number;
}

/** The advisory lock id of a key: the first 8 bytes of sha256(scope + key) as a signed 64-bit integer, in decimal. */
export const advisoryLockId = (scope: string, key: string): string =>
  createHash("sha256").update(scope).update(key).digest().readBigInt64BE(0).toString();

/** One connection and whether it still holds its session's locks. */
interface Session {
  client: PgLockClient;
  ready: Promise<void>;
  alive: boolean;
  /** The last query sent: pg deprecates sending one while another runs, so each waits for the one before. */
  tail: Promise<unknown>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A lock shared by every process on one PostgreSQL database: session-level advisory locks
 * (`pg_try_advisory_lock`, polled with jittered backoff) taken on ONE dedicated connection per
 * store, never on a connection of the store's pool. A held lock therefore costs no pooled
 * connection, so nested locks (a person, then their progress, then boards) cannot exhaust the
 * pool or deadlock waiting for it; and `pg_advisory_unlock` runs on the very session that locked.
 * A try-lock never blocks in the server, so two processes nesting locks in opposite orders end in
 * a StoreError after the wait limit, never a hang.
 *
 * Session locks are re-entrant: every caller in this process shares the session, so two of them
 * asking for the same key would both get it. That is harmless because KeyvStore runs its
 * in-process mutex first, which admits one holder per key per process; `run` refuses a key this
 * process already holds or waits for, rather than silently sharing it.
 *
 * If the connection drops, the server releases every lock of that session: holders finish their
 * work (their lock is gone, as when a Redis lock expires), a call still waiting fails with a
 * StoreError instead of hanging, and the next call opens a new connection.
 */
export class PgLock {
  private session: Session | undefined;
  /** Keys this process holds or is acquiring, to keep the session's re-entrancy from ever mattering. */
  private readonly busy = new Set<string>();
  private closed = false;

  constructor(
    private readonly newClient: () => PgLockClient,
    /** Prefixed to every key before hashing, so other users of advisory locks on the database keep apart. */
    private readonly scope: string,
    private readonly logger: Logger,
    private readonly options: PgLockOptions = { waitMs: 5_000 },
  ) {}

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(key)) {
      throw new StoreError(`Lock ${key} is already taken in this process: callers must queue per key first`);
    }
    this.busy.add(key);
    try {
      const id = advisoryLockId(this.scope, key);
      const session = await this.acquire(key, id);
      try {
        return await fn();
      } finally {
        await this.release(session, key, id);
      }
    } finally {
      this.busy.delete(key);
    }
  }

  /** Ends the lock connection; the server releases whatever it still held. */
  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    await session.ready.catch(() => undefined);
    if (session.alive) {
      session.alive = false;
      await session.client.end().catch(() => undefined);
    }
  }

  private async acquire(key: string, id: string): Promise<Session> {
    const deadline = Date.now() + this.options.waitMs;
    // The whole wait happens on one session: if it dies meanwhile, this call fails rather than
    // carrying on over a connection its caller's outer locks were never taken on.
    const session = await this.connect(key);
    let pause = 2;
    for (;;) {
      if (!session.alive) throw new StoreError(`Lost the PostgreSQL lock connection while waiting for lock ${key}`);
      let locked: unknown;
      try {
        const { rows } = await this.query(session, "SELECT pg_try_advisory_lock($1::bigint) AS locked", id);
        locked = rows[0]?.locked;
      } catch (error) {
        this.drop(session);
        throw new StoreError(`Lost the PostgreSQL lock connection while waiting for lock ${key}: ${message(error)}`, {
          cause: error,
        });
      }
      if (locked === true) return session;
      if (Date.now() >= deadline) {
        throw new StoreError(`Timed out after ${this.options.waitMs} ms waiting for lock ${key}`);
      }
      // Jittered backoff, so processes that collide once do not keep colliding in step.
      await sleep(pause + Math.random() * pause);
      pause = Math.min(pause * 2, 50);
    }
  }

  private async release(session: Session, key: string, id: string): Promise<void> {
    // A session that ended took its locks with it; a newer session never held this one.
    if (!session.alive) {
      this.logger.warn({ lock: key }, "the PostgreSQL lock was lost with its connection before the work finished");
      return;
    }
    try {
      await this.query(session, "SELECT pg_advisory_unlock($1::bigint)", id);
    } catch (error) {
      // Ending the session is the one sure way to release a lock an unlock could not: far better
      // than leaving the key locked for every other process until this one exits.
      this.drop(session);
      this.logger.warn({ err: error, lock: key }, "could not unlock; ended the PostgreSQL lock connection instead");
    }
  }

  private async connect(key: string): Promise<Session> {
    if (this.closed) throw new StoreError(`The PostgreSQL lock connection is closed (lock ${key})`);
    if (!this.session?.alive) this.session = this.open();
    const session = this.session;
    try {
      await session.ready;
    } catch (error) {
      throw new StoreError(`Could not open the PostgreSQL lock connection for lock ${key}: ${message(error)}`, {
        cause: error,
      });
    }
    return session;
  }

  private open(): Session {
    const client = this.newClient();
    const session: Session = { client, ready: Promise.resolve(), alive: true, tail: Promise.resolve() };
    const lost = (error?: Error) => {
      if (!session.alive) return;
      session.alive = false;
      this.logger.warn({ err: error }, "PostgreSQL lock connection lost; the server released its locks");
    };
    // pg emits "error" on a connection that breaks while idle: without a listener Node would crash.
    client.on("error", lost);
    client.on("end", () => lost());
    session.ready = client.connect().then(
      () => undefined,
      (error: unknown) => {
        session.alive = false;
        throw error;
      },
    );
    return session;
  }

  private query(session: Session, text: string, id: string): Promise<{ rows: Record<string, unknown>[] }> {
    const result = session.tail.then(() => session.client.query(text, [id]));
    session.tail = result.catch(() => undefined);
    return result;
  }

  private drop(session: Session): void {
    session.alive = false;
    if (this.session === session) this.session = undefined;
    void session.client.end().catch(() => undefined);
  }
}
