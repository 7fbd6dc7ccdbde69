import type { Config, LogLevel } from "./config.ts";
import { ContentError, loadContentDir } from "./content/load.ts";
import { commandWords } from "./core/commands/index.ts";
import { Core } from "./core/core.ts";
import type { Logger } from "./core/logger.ts";
import { createLogger } from "./logging.ts";
import { ProgressRepository } from "./progress/progress-repository.ts";
import { openStore } from "./store/open-store.ts";
import type { Store } from "./store/store.ts";

/** Everything a running bot is made of, wired once: config -> content -> store -> core. */
export interface App {
  core: Core;
  store: Store;
  logger: Logger;
  close(): Promise<void>;
}

export async function createApp(config: Config, defaultLogLevel: LogLevel): Promise<App> {
  const logger = createLogger(config.logLevel ?? defaultLogLevel);
  const content = await loadContentDir(config.contentDir, { reservedIds: commandWords() });
  if (!content.ok) throw new ContentError(content.problems);
  const store = await openStore(config.storeUrl, logger);
  const core = new Core({ roadmaps: content.roadmaps, progress: new ProgressRepository(store, logger), logger });
  logger.info({ store: store.kind, roadmaps: core.roadmaps.map((roadmap) => roadmap.id) }, "roadmap-bot ready");
  return { core, store, logger, close: () => store.close() };
}
