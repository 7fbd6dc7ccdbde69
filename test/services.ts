import { Socket } from "node:net";
import { inject } from "vitest";

/** Redis for the store suites: db 15, so tests never touch a developer's data in db 0. */
export const redisTestUrl = "redis://127.0.0.1:6379/15";

/**
 * PostgreSQL for the store suites: database `test`, with keyv's table in a schema of its own
 * (created on first use), so tests never touch a developer's data or another app's keyv table.
 */
export const postgresTestSchema = "roadmap_bot_test";
export const postgresTestUrl = `postgres://postgres@127.0.0.1:5432/test?schema=${postgresTestSchema}`;

const reachable = (port: number, host = "127.0.0.1"): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });

/**
 * Whether to run a suite that needs a local server. Under CI=true a missing server is a failure,
 * not a skip; locally the skip says plainly why.
 */
export async function serviceAvailable(name: string, port: number): Promise<boolean> {
  if (await reachable(port)) return true;
  if (inject("requireServices")) throw new Error(`${name} is not reachable on 127.0.0.1:${port}, and CI requires it`);
  console.warn(`Skipping the ${name} suites: nothing listens on 127.0.0.1:${port}. Start ${name} to run them.`);
  return false;
}

/** Empties one Redis database: the suites that own a database of their own call it before and after. */
export async function flushRedisDatabase(url: string): Promise<void> {
  const { createClient } = await import("@keyv/redis");
  const client = createClient({ url });
  await client.connect();
  try {
    await client.flushDb();
  } finally {
    client.destroy();
  }
}
