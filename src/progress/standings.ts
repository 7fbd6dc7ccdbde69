import type { Roadmap } from "../content/schema.ts";
import type { Logger } from "../logger.ts";
import type { ReviewRepository } from "../review/review-repository.ts";
import { reminderId } from "../schedule/subscription.ts";
import type { SubscriptionRepository } from "../schedule/subscription-repository.ts";
import type { BoardRef } from "../store/keys.ts";
import { boardId, parseBoardId } from "../store/keys.ts";
import type { UnitOfWork } from "../store/unit-of-work.ts";
import type { TeamPeople } from "../teams/team-people.ts";
import type { TeamSettingsRepository } from "../teams/team-settings.ts";
import { namedTop } from "./board-view.ts";
import type { BoardMove, Boards, Standing } from "./boards.ts";
import type { Person, UserProgress, Who } from "./model.ts";
import { newProfile, type PeopleRepository, type Profile } from "./people.ts";
import { kindOfPeriod, type PeriodKind, periodKinds, periodOf } from "./periods.ts";
import { pointsOf } from "./points.ts";
import type { ProgressRepository, StatusChange } from "./progress-repository.ts";
import { type Streak, streakOf } from "./streak.ts";

export interface StandingsDeps {
  progress: ProgressRepository;
  people: PeopleRepository;
  boards: Boards;
  teams: TeamSettingsRepository;
  subscriptions: SubscriptionRepository;
  /** Answered reviews count as study days for the streak. */
  reviews: ReviewRepository;
  /** Everyone seen in each team, for deleting a team's data after it removed the bot. */
  teamPeople?: TeamPeople;
  defaultZone: string;
  logger: Logger;
}

/** A board a person can ask for: their team's, or their channel's, for one kind of period. */
export interface BoardQuery {
  roadmap: Roadmap;
  who: Who;
  kind: PeriodKind;
  channel: boolean;
  /** The quiz board (points for channel quizzes) rather than the topics board. */
  quiz?: boolean;
}

/**
 * The quiz board of a roadmap lives beside its topics board under a roadmap id of its own ("~"
 * never appears in a roadmap id), so it has every scope and period the topics board has.
 */
export const quizBoardRoadmapId = (roadmapId: string): string => `${roadmapId}~quiz`;

/** A right first answer to a channel quiz, as the quiz board counts it. */
export interface QuizWin {
  at: string;
  teamId: string;
  channelId: string;
}

export interface Leaderboard {
  period: string;
  zone: string;
  top: (Standing & { name: string; me: boolean })[];
  /** The asker's own standing, when they are on the board. */
  mine?: Standing;
  hidden: boolean;
  total: number;
  members: number;
}

/** A team's time zone, looked up once per change. */
type ZoneOf = (platform: string, teamId: string) => Promise<string>;

/** One team member's scope: the team itself, or one of its channels. */
type Scope = { teamId: string; channelId?: string };

/**
 * Who is on which leaderboard and with how many points. A person's points on a board are always
 * recomputed from their progress document and set (never incremented), and every change to a
 * person runs under that person's lock, so concurrent `done`s from any number of processes leave
 * each board exactly at the sum of its members' points. Each change (a mark, a privacy choice, a
 * newly joined team or channel, forget-me) is one unit of work: its progress, board documents and
 * profile reach the store in one atomic write, so a process killed midway leaves all or none.
 */
export class Standings {
  readonly people: PeopleRepository;
  readonly boards: Boards;
  readonly reviews: ReviewRepository;
  readonly teams: TeamSettingsRepository;

  constructor(private readonly deps: StandingsDeps) {
    this.people = deps.people;
    this.boards = deps.boards;
    this.reviews = deps.reviews;
    this.teams = deps.teams;
  }

  /**
   * Records that a person used the bot here: their current name, and the team and channel whose
   * boards they now belong to. Reads only, unless something is new.
   */
  async noteActivity(who: Who, roadmaps: readonly Roadmap[], now: Date): Promise<void> {
    const known = await this.people.get(who);
    if (known && !needsUpdate(known, who)) return;
    await this.people.withLock(who, async () => {
      const stored = await this.people.get(who);
      // Another command of theirs may have made the same change while this one waited.
      if (stored && !needsUpdate(stored, who)) return;
      const profile = structuredClone(stored ?? newProfile(now));
      // Someone first seen here may have progress from before profiles existed: find it once, so
      // their points reach the boards they join.
      if (!stored) profile.roadmaps = await this.roadmapsWithProgress(who, roadmaps);
      const joined = join(profile, who);
      // Listed with the team before the profile says so: a crash between leaves an extra name there, never a missing one.
      for (const scope of joined)
        if (scope.channelId === undefined) await this.deps.teamPeople?.add(who.platform, scope.teamId, who.userId);
      if (who.displayName) profile.name = who.displayName.slice(0, 200);
      const moves = joined.length > 0 ? await this.scopeMoves(who, profile, roadmaps, joined, now) : [];
      await this.commit(who, profile, moves, this.people.unit());
    });
  }

  private async roadmapsWithProgress(who: Person, roadmaps: readonly Roadmap[]): Promise<string[]> {
    const progress = await Promise.all(roadmaps.map((roadmap) => this.deps.progress.load(roadmap, who)));
    return roadmaps.filter((_, index) => (progress[index]?.topics.size ?? 0) > 0).map((roadmap) => roadmap.id);
  }

  /**
   * Runs a progress change and moves the person on every board it affects, under their lock: the
   * progress `write` stages in the unit it is given, and the progress, the boards and the profile
   * are committed together (Store.writeAll), so a crash leaves all of the change or none of it.
   */
  async change(
    who: Who,
    roadmap: Roadmap,
    now: Date,
    write: (unit: UnitOfWork) => Promise<StatusChange>,
  ): Promise<StatusChange> {
    return this.people.withLock(who, async () => {
      const unit = this.people.unit();
      const change = await write(unit);
      if (change.previous?.status === change.current?.status) return change;
      const profile = structuredClone((await this.people.get(who)) ?? newProfile(now));
      if (!profile.roadmaps.includes(roadmap.id)) profile.roadmaps.push(roadmap.id);
      const zoneOf = this.zones();
      const boards = await this.currentBoards(who, profile, roadmap, now, zoneOf);
      // Undoing a topic done in an earlier week or month takes the points back there too: only
      // from boards the person is on, so an old board of a scope joined since gains nobody.
      if (change.previous?.status === "done") {
        const doneAt = Date.parse(change.previous.since);
        for (const board of await this.currentBoards(who, profile, roadmap, new Date(doneAt), zoneOf)) {
          if (profile.places[boardId(board)]) boards.push(board);
        }
      }
      const moves = await this.movesTo(who, profile, roadmap, change.progress, boards, zoneOf);
      await this.commit(who, profile, moves, unit);
      return change;
    });
  }

  /**
   * Puts a person on the quiz boards their channel-quiz wins earn: the team's and the channel's,
   * for the periods holding `at`. Points are recomputed from every win (set, never incremented),
   * and `write` stages the wins' own document in the same unit, so both land together. Caller
   * holds the person's lock.
   */
  async moveOnQuizBoards(
    who: Who,
    roadmapId: string,
    wins: readonly QuizWin[],
    scope: { teamId: string; channelId: string },
    at: Date,
    unit: UnitOfWork,
  ): Promise<void> {
    const profile = structuredClone((await this.people.get(who)) ?? newProfile(at));
    const zoneOf = this.zones();
    const zone = await zoneOf(who.platform, scope.teamId);
    const visible = profile.visibility !== "hidden";
    const moves: BoardMove[] = [];
    for (const channelId of [undefined, scope.channelId]) {
      for (const kind of periodKinds) {
        const period = periodOf(kind, at.getTime(), zone);
        const board: BoardRef = {
          roadmapId: quizBoardRoadmapId(roadmapId),
          platform: who.platform,
          teamId: scope.teamId,
          ...(channelId ? { channelId } : {}),
          period,
        };
        const counted = wins.filter(
          (win) =>
            win.teamId === scope.teamId &&
            (channelId === undefined || win.channelId === channelId) &&
            (kind === "all" || periodOf(kind, Date.parse(win.at), zone) === period),
        );
        const id = boardId(board);
        moves.push({ boardId: id, userId: who.userId, from: profile.places[id], points: visible ? counted.length : 0 });
      }
    }
    if (who.displayName && !profile.name) profile.name = who.displayName.slice(0, 200);
    await this.commit(who, profile, moves, unit);
  }

  /** Hidden people leave every board at once; public ones are put back with their points. */
  async setVisibility(who: Who, visibility: Profile["visibility"], roadmaps: readonly Roadmap[], now: Date) {
    return this.people.withLock(who, async () => {
      const profile = structuredClone((await this.people.get(who)) ?? newProfile(now));
      const before = profile.visibility;
      profile.visibility = visibility;
      const moves =
        visibility === "hidden"
          ? leaving(who, profile)
          : await this.scopeMoves(who, profile, roadmaps, scopesOf(profile), now);
      await this.commit(who, profile, moves, this.people.unit());
      return { before, after: visibility };
    });
  }

  /**
   * Takes a person off every board they are on and commits `unit` with it (forget-me stages the
   * removal of their progress and profile there first). Caller holds their lock.
   */
  async leaveAll(who: Person, profile: Profile, unit: UnitOfWork): Promise<void> {
    await this.boards.moveAndCommit(leaving(who, profile), unit, async () => {});
  }

  /**
   * Moves the person, records their new places in the profile, and commits the profile with the
   * moves and whatever `unit` already holds, in one write. Caller holds their lock.
   */
  private async commit(who: Person, profile: Profile, moves: BoardMove[], unit: UnitOfWork): Promise<void> {
    await this.boards.moveAndCommit(moves, unit, async (places) => {
      moves.forEach(({ boardId: id }, index) => {
        const place = places[index];
        if (place) profile.places[id] = place;
        else delete profile.places[id];
      });
      await this.people.save(who, profile, unit);
    });
  }

  async leaderboard(query: BoardQuery, now: Date, limit = 10): Promise<Leaderboard> {
    const { roadmap, who, kind } = query;
    const teamId = who.teamId as string;
    const zone = await this.teamZone(who.platform, teamId);
    const period = periodOf(kind, now.getTime(), zone);
    const ref: BoardRef = {
      roadmapId: query.quiz ? quizBoardRoadmapId(roadmap.id) : roadmap.id,
      platform: who.platform,
      teamId,
      ...(query.channel && who.channelId ? { channelId: who.channelId } : {}),
      period,
    };
    const id = boardId(ref);
    const [board, profile] = await Promise.all([
      namedTop(this.boards, this.people, who.platform, id, limit),
      this.people.get(who),
    ]);
    const { total, members } = board;
    const top = board.top.map((standing) => ({ ...standing, me: standing.userId === who.userId }));
    const place = profile?.places[id];
    const rank = place && !top.some((line) => line.me) ? await this.boards.rank(id, who.userId, place) : undefined;
    return {
      period,
      zone,
      top,
      ...(place && rank ? { mine: { userId: who.userId, points: place.points, rank } } : {}),
      hidden: profile?.visibility === "hidden",
      total,
      members,
    };
  }

  /**
   * Days in a row with a topic marked done or a review answered, in the person's zone (their
   * reminder's, else their own, else the team's).
   */
  async streak(who: Who, roadmaps: readonly Roadmap[], now: Date): Promise<Streak & { zone: string }> {
    const [zone, progress, decks] = await Promise.all([
      this.personalZone(who),
      Promise.all(roadmaps.map((roadmap) => this.deps.progress.load(roadmap, who))),
      Promise.all(roadmaps.map((roadmap) => this.deps.reviews.load(roadmap.id, who))),
    ]);
    const reviewed = decks.flatMap((deck) => deck.log.map((entry) => Date.parse(entry.at)));
    return { ...streakOf(progress, zone, now, reviewed), zone };
  }

  /** The zone a person's days follow: their reminder's, else their own (when the platform tells it), else the team's. */
  async personalZone(who: Who): Promise<string> {
    const reminder = await this.deps.subscriptions.get(reminderId(who.platform, who.userId));
    return reminder?.zone ?? who.zone ?? (who.teamId ? this.teamZone(who.platform, who.teamId) : this.deps.defaultZone);
  }

  /** The zone a team's weeks and months follow. */
  async teamZone(platform: string, teamId: string): Promise<string> {
    return (await this.deps.teams.get(platform, teamId)).zone ?? this.deps.defaultZone;
  }

  /**
   * The team zones one change needs, each read once: a change reaches the week's, month's and
   * all-time boards of a team and its channels, and every one of them follows the team's zone.
   */
  private zones(): ZoneOf {
    const known = new Map<string, Promise<string>>();
    return (platform, teamId) => {
      const key = `${platform}\n${teamId}`;
      const zone = known.get(key) ?? this.teamZone(platform, teamId);
      known.set(key, zone);
      return zone;
    };
  }

  /** Boards of the periods holding `at`, for every scope the person belongs to. */
  private async currentBoards(
    who: Person,
    profile: Profile,
    roadmap: Roadmap,
    at: Date,
    zoneOf: ZoneOf,
  ): Promise<BoardRef[]> {
    const boards: BoardRef[] = [];
    for (const scope of scopesOf(profile)) {
      const zone = await zoneOf(who.platform, scope.teamId);
      for (const kind of periodKinds) {
        boards.push({
          roadmapId: roadmap.id,
          platform: who.platform,
          ...scope,
          period: periodOf(kind, at.getTime(), zone),
        });
      }
    }
    return boards;
  }

  /** The moves that put the person on the current boards of the given scopes, for every roadmap they study. */
  private async scopeMoves(
    who: Person,
    profile: Profile,
    roadmaps: readonly Roadmap[],
    scopes: Scope[],
    now: Date,
  ): Promise<BoardMove[]> {
    if (profile.visibility === "hidden") return [];
    const zoneOf = this.zones();
    const moves: BoardMove[] = [];
    for (const roadmap of roadmaps.filter((r) => profile.roadmaps.includes(r.id))) {
      const progress = await this.deps.progress.load(roadmap, who);
      const all = await this.currentBoards(who, profile, roadmap, now, zoneOf);
      const wanted = all.filter((board) =>
        scopes.some((s) => s.teamId === board.teamId && s.channelId === board.channelId),
      );
      moves.push(...(await this.movesTo(who, profile, roadmap, progress, wanted, zoneOf)));
    }
    return moves;
  }

  /** The moves that set the person's points on each board to what their progress says. */
  private movesTo(
    who: Person,
    profile: Profile,
    roadmap: Roadmap,
    progress: UserProgress,
    boards: BoardRef[],
    zoneOf: ZoneOf,
  ): Promise<BoardMove[]> {
    const visible = profile.visibility !== "hidden";
    const unique = [...new Map(boards.map((board) => [boardId(board), board]))];
    return Promise.all(
      unique.map(async ([id, board]) => {
        const zone = await zoneOf(board.platform, board.teamId);
        const kind = kindOfPeriod(board.period);
        const points = visible
          ? pointsOf(progress, roadmap, kind === "all" ? undefined : (at) => periodOf(kind, at, zone) === board.period)
          : 0;
        return { boardId: id, userId: who.userId, from: profile.places[id], points };
      }),
    );
  }

  /** The boards a person is on, as refs (for export). */
  placesOf(profile: Profile): { board: BoardRef; points: number }[] {
    return Object.entries(profile.places).flatMap(([id, place]) => {
      const board = parseBoardId(id);
      return board ? [{ board, points: place.points }] : [];
    });
  }
}

/** The moves that take a person off every board their profile says they are on. */
const leaving = (who: Person, profile: Profile): BoardMove[] =>
  Object.entries(profile.places).map(([boardId, from]) => ({ boardId, userId: who.userId, from, points: 0 }));

const scopesOf = (profile: Profile): Scope[] => [
  ...profile.teams.map((teamId) => ({ teamId })),
  ...profile.channels.map(({ teamId, channelId }) => ({ teamId, channelId })),
];

/** The team and channel of a command, when it came from a team (not a Discord DM) and a channel in it. */
function scopesOfWho(who: Who): Scope[] {
  if (!who.teamId) return [];
  const scopes: Scope[] = [{ teamId: who.teamId }];
  if (who.channelId && !who.inDirectMessage) scopes.push({ teamId: who.teamId, channelId: who.channelId });
  return scopes;
}

const knows = (profile: Profile, scope: Scope): boolean =>
  scope.channelId === undefined
    ? profile.teams.includes(scope.teamId)
    : profile.channels.some((c) => c.teamId === scope.teamId && c.channelId === scope.channelId);

const needsUpdate = (profile: Profile, who: Who): boolean =>
  (who.displayName !== undefined && profile.name !== who.displayName.slice(0, 200)) ||
  scopesOfWho(who).some((scope) => !knows(profile, scope));

/** Adds the command's team and channel to the profile; returns the scopes that were new. */
function join(profile: Profile, who: Who): Scope[] {
  const added = scopesOfWho(who).filter((scope) => !knows(profile, scope));
  for (const scope of added) {
    if (scope.channelId === undefined) profile.teams.push(scope.teamId);
    else profile.channels.push({ teamId: scope.teamId, channelId: scope.channelId });
  }
  return added;
}
