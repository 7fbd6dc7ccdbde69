import type { Roadmap } from "../content/schema.ts";
import type { Logger } from "../logger.ts";
import type { Boards } from "../progress/boards.ts";
import type { PersonalData } from "../progress/personal-data.ts";
import { quizBoardRoadmapId } from "../progress/standings.ts";
import type { SubscriptionRepository } from "../schedule/subscription-repository.ts";
import { boardId, keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import { type RemovedTeam, type RemovedTeams, removedTeamGraceMs } from "./removed-teams.ts";
import type { TeamPeople } from "./team-people.ts";

export interface TeamDataSweepDeps {
  store: Store;
  removedTeams: RemovedTeams;
  teamPeople: TeamPeople;
  boards: Boards;
  personalData: PersonalData;
  subscriptions: SubscriptionRepository;
  roadmaps: readonly Roadmap[];
  logger: Logger;
  graceMs?: number;
}

/** More than any team has; the all-time boards are read whole. */
const everyone = 10_000_000;

/**
 * Deletes the data of the teams that removed the bot and did not install it again within the
 * grace period: each person seen there goes as with `forget-me` (progress, reviews, quiz answers,
 * profile, boards, reminder), then the team's channel subscriptions and settings. The team leaves
 * the removed list only at the end, so a sweep cut short by a crash is simply run again: every step
 * is safe to repeat. People are found in the team's list and, for those seen before the list
 * existed, on its all-time boards.
 */
export async function sweepRemovedTeams(deps: TeamDataSweepDeps, now: Date): Promise<RemovedTeam[]> {
  const due = await deps.removedTeams.due(now, deps.graceMs ?? removedTeamGraceMs);
  for (const team of due) {
    const people = new Set<string>();
    for await (const page of deps.teamPeople.all(team.platform, team.teamId)) for (const id of page) people.add(id);
    for (const roadmap of deps.roadmaps) {
      for (const roadmapId of [roadmap.id, quizBoardRoadmapId(roadmap.id)]) {
        const id = boardId({ roadmapId, platform: team.platform, teamId: team.teamId, period: "all" });
        for (const standing of (await deps.boards.top(id, everyone)).standings) people.add(standing.userId);
      }
    }
    for (const userId of people)
      await deps.personalData.forget({ platform: team.platform, userId, teamId: team.teamId }, deps.roadmaps, now);
    for (const subscription of (await deps.subscriptions.all()).values()) {
      if (subscription.platform !== team.platform || subscription.teamId !== team.teamId) continue;
      await deps.subscriptions.remove(subscription.id);
      await deps.subscriptions.deleteState(subscription.id);
    }
    await deps.store.delete(keys.teamSettings(team.platform, team.teamId));
    await deps.teamPeople.clear(team.platform, team.teamId);
    await deps.removedTeams.unmark(team.platform, team.teamId);
    deps.logger.info(
      { platform: team.platform, teamId: team.teamId, people: people.size, removedAt: team.at },
      "deleted the data of a team that removed the bot",
    );
  }
  return due;
}
