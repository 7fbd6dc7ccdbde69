import { StoreError } from "./store.ts";

/**
 * A network store's operation that has not answered within this many ms has failed: commands
 * then still answer inside the platforms' 3 seconds, saying the store is unavailable.
 */
export const networkTimeoutMs = 2_000;

/**
 * The promise's outcome, or a StoreError with `message` once `ms` (at least 1) have passed; a late
 * answer is then ignored. Network stores need it: node-redis holds commands while it reconnects.
 */
export async function bounded<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError(message)), Math.max(ms, 1));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
