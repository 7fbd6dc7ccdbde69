import { silentLogger } from "../src/logger.ts";
import { BoardRepository } from "../src/progress/board-repository.ts";
import { RedisBoards } from "../src/progress/redis-boards.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { openRedis } from "../src/store/redis-store.ts";
import { boardsContract } from "./contract/boards.contract.ts";
import { flushRedisDatabase, serviceAvailable } from "./services.ts";

/** Database 7 is this file's alone: flushed before and after. */
const redisUrl = "redis://127.0.0.1:6379/7";

const flush = () => flushRedisDatabase(redisUrl);

boardsContract({
  name: "paged documents (BoardRepository) on the memory store",
  open: async () => {
    const store = openMemoryStore(silentLogger);
    return { boards: new BoardRepository(store, silentLogger), close: () => store.close() };
  },
});

boardsContract({
  name: "Redis sorted sets (RedisBoards)",
  available: () => serviceAvailable("Redis", 6379),
  open: async () => {
    await flush();
    const store = await openRedis(redisUrl, silentLogger, {});
    return {
      boards: new RedisBoards(store),
      close: async () => {
        await store.close();
        await flush();
      },
    };
  },
});
