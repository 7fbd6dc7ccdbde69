import type { ScheduleContext } from "../core/command.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { RemovedTeams } from "../teams/removed-teams.ts";
import { TeamSettingsRepository } from "../teams/team-settings.ts";
import { SubscriptionRepository } from "./subscription-repository.ts";

/** The repositories the daily, remind and team commands use, over one store. */
export const scheduleContext = (store: Store, logger: Logger, defaultZone: string): ScheduleContext => ({
  subscriptions: new SubscriptionRepository(store, logger),
  teams: new TeamSettingsRepository(store, logger),
  removedTeams: new RemovedTeams(store, logger),
  defaultZone,
});
