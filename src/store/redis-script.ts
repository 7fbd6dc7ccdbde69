import { createHash } from "node:crypto";

/**
 * A Lua script and its SHA1, under which Redis caches it once it has been sent. Kept apart from
 * redis-store.ts so that modules defining scripts load without the Redis client.
 */
export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }
}
