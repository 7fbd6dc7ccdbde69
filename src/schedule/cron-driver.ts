import cron from "node-cron";
import type { Logger } from "../logger.ts";

export interface CronDriver {
  /** Stops ticking and waits for a tick in progress to finish. */
  stop(): Promise<void>;
}

/**
 * node-cron calls the scheduler once a minute, and once right away so a restart catches up at
 * once. node-cron only says when to look; the ledger decides what is due, so missed runs,
 * replicas all firing, and DST days are the ledger's business, not cron's.
 */
export function startCron(tick: () => Promise<unknown>, logger: Logger): CronDriver {
  let running: Promise<void> | undefined;
  const run = () => {
    // A tick still running (a large fan-out) is not started twice; the next minute picks up the rest.
    if (running) return running;
    running = tick()
      .then(() => undefined)
      .catch((error: unknown) => logger.error({ err: error }, "scheduler tick failed"))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const task = cron.schedule("* * * * *", run, { name: "roadmap-daily", noOverlap: true });
  void run();
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
