import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * What /metrics exposes, in one registry per process. The instruments are created once here and
 * passed to whoever records into them, so a test can give each bot its own registry and read
 * exactly what that bot counted.
 */
export interface Metrics {
  registry: Registry;
  /** Commands handled, by command name ("unknown" when the text did not parse) and outcome. */
  commands: Counter<"command" | "outcome">;
  /** Seconds from a command's text to its reply, by command name. */
  commandSeconds: Histogram<"command">;
  /** Scheduled posts (daily topics, reminders, recaps) by kind and outcome. */
  dailyPosts: Counter<"kind" | "outcome">;
  /** Store operations that failed, by store kind and operation (read, write, delete, lock). */
  storeErrors: Counter<"store" | "operation">;
  /** Seconds spent waiting for a lock before holding it, by store kind. */
  lockWaitSeconds: Histogram<"store">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process CPU, memory, event loop lag, GC: what an operator looks at first.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "roadmap_bot_" });
  return {
    registry,
    commands: new Counter({
      name: "roadmap_bot_commands_total",
      help: "Commands handled, by command and outcome (ok, user-error, store-unavailable, internal-error)",
      labelNames: ["command", "outcome"],
      registers: [registry],
    }),
    commandSeconds: new Histogram({
      name: "roadmap_bot_command_duration_seconds",
      help: "Time from a command's text to its reply",
      labelNames: ["command"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    dailyPosts: new Counter({
      name: "roadmap_bot_daily_posts_total",
      help: "Scheduled posts by kind (channel, reminder, recap) and outcome (posted, failed)",
      labelNames: ["kind", "outcome"],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: "roadmap_bot_store_errors_total",
      help: "Store operations that failed, by store and operation",
      labelNames: ["store", "operation"],
      registers: [registry],
    }),
    lockWaitSeconds: new Histogram({
      name: "roadmap_bot_lock_wait_seconds",
      help: "Time spent waiting for a lock before holding it",
      labelNames: ["store"],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
  };
}
