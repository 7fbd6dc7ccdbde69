/**
 * The answer if it is ready within `ms`, else undefined (the work goes on). Platforms use it to
 * reply directly when they can and acknowledge first when the store is slow. The timer is
 * cleared as soon as the work settles, so fast answers leave nothing pending.
 */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
