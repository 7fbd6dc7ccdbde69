import type { Boards, Standing } from "./boards.ts";
import type { PeopleRepository } from "./people.ts";

export interface NamedStanding extends Standing {
  /** The display name the person last had; never a mention. */
  name: string;
}

/** The first `limit` people on a board with the names they last used: the leaderboard and the weekly recap. */
export async function namedTop(
  boards: Boards,
  people: PeopleRepository,
  platform: string,
  boardId: string,
  limit: number,
): Promise<{ top: NamedStanding[]; total: number; members: number }> {
  const { standings, total, members } = await boards.top(boardId, limit);
  const profiles = await Promise.all(standings.map((standing) => people.get({ platform, userId: standing.userId })));
  const top = standings.map((standing, index) => ({ ...standing, name: profiles[index]?.name ?? "someone" }));
  return { top, total, members };
}
