import type { Who } from "../../core/command.ts";
import type { Logger } from "../../logger.ts";
import { rememberRecent } from "../../recent-map.ts";
import { isTimeZone } from "../../schedule/zoned-time.ts";
import { within } from "../within.ts";
import type { UsersInfoClient } from "./channel-managers.ts";
import { slackUserId } from "./slack-ids.ts";

/** What Slack says of a person: the name people see, their own time zone, and whether they run the workspace. */
export interface SlackPerson {
  displayName?: string;
  zone?: string;
  /** A workspace admin or owner (Slack tells bots nothing about channel managers). */
  admin: boolean;
}

/** users.info could not say, and why: Slack's error code ("missing_scope"). */
export interface UnknownPerson {
  failed: string;
}

export interface SlackPeopleOptions {
  logger: Logger;
  /** How long a name and zone are trusted (they change rarely). Default an hour. */
  ttlMs?: number;
  /** People remembered at most; the least recently asked are forgotten first. Default 10,000. */
  size?: number;
  /**
   * How long a command waits for a first users.info before it goes on with what the payload
   * says; the answer still fills the cache for the next one. Default 400 ms.
   */
  waitMs?: number;
  clock?: () => number;
}

/** How long a failed users.info is remembered before it is tried again. */
const failureTtlMs = 10 * 60_000;

/**
 * Admin rights are read again when older than this: a person made or unmade an admin is treated
 * so within a minute, while one command's name lookup and its rights check share one call.
 */
const rolesTtlMs = 60_000;

interface Entry {
  answer: SlackPerson | UnknownPerson;
  /** The legacy handle the payload had when this was read: a change means the name may have changed too. */
  handle: string | undefined;
  at: number;
}

/**
 * users.info (scope users:read), cached per person: payloads carry only the legacy `user_name`
 * handle, while leaderboards, reveals and recaps should show the name people see, and reminders
 * and streaks should follow the person's own zone; and it is how workspace admins are told apart.
 * One call per person an hour at most (again when their handle in a payload changes; within a
 * minute for a rights check), shared by concurrent commands, and never a reason for a command to
 * fail or wait long: without an answer the payload's name stands.
 */
export class SlackPeople {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();

  constructor(private readonly options: SlackPeopleOptions) {}

  /** `who` with the person's display name and zone, when Slack has told them (or tells them in time). */
  async enrich(client: UsersInfoClient, who: Who, handle?: string): Promise<Who> {
    const entry = await within(this.entry(client, who, { handle, maxAgeMs: this.ttl() }), this.options.waitMs ?? 400);
    const answer = entry?.answer;
    if (!answer || "failed" in answer) return who;
    return {
      ...who,
      ...(answer.displayName ? { displayName: answer.displayName } : {}),
      ...(answer.zone ? { zone: answer.zone } : {}),
    };
  }

  /** Whether the person is a workspace admin or owner, read within the last minute; or why Slack could not say. */
  async roles(client: UsersInfoClient, who: Who): Promise<SlackPerson | UnknownPerson> {
    return (await this.entry(client, who, { maxAgeMs: rolesTtlMs })).answer;
  }

  private entry(
    client: UsersInfoClient,
    who: Who,
    wanted: { handle?: string | undefined; maxAgeMs: number },
  ): Promise<Entry> {
    const key = `${who.teamId ?? ""}/${who.userId}`;
    const cached = this.cache.get(key);
    const age = cached ? this.now() - cached.at : Number.POSITIVE_INFINITY;
    const fresh =
      cached &&
      age < ("failed" in cached.answer ? failureTtlMs : wanted.maxAgeMs) &&
      (wanted.handle === undefined || cached.handle === undefined || cached.handle === wanted.handle);
    if (cached && fresh) {
      this.remember(key, cached);
      return Promise.resolve(cached);
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const asked = this.ask(client, slackUserId(who.userId)).then((answer) => {
      this.pending.delete(key);
      // A failure (a missing scope, an outage) is remembered for a while too, not asked with every command.
      const entry = { answer, handle: wanted.handle ?? cached?.handle, at: this.now() };
      this.remember(key, entry);
      return entry;
    });
    this.pending.set(key, asked);
    return asked;
  }

  private async ask(client: UsersInfoClient, userId: string): Promise<SlackPerson | UnknownPerson> {
    try {
      const { user } = await client.users.info({ user: userId });
      // Not user.name: that is the legacy handle the payload already carries.
      const name = [user?.profile?.display_name, user?.profile?.real_name, user?.real_name]
        .map((candidate) => candidate?.trim())
        .find((candidate) => candidate);
      return {
        ...(name ? { displayName: name } : {}),
        ...(user?.tz && isTimeZone(user.tz) ? { zone: user.tz } : {}),
        admin: Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner),
      };
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      this.options.logger.warn(
        { err: error, userId, code },
        code === "missing_scope"
          ? "users.info needs the users:read scope: add it to the Slack app and reinstall it; until then names come from payloads and nobody may manage channels"
          : "users.info failed; using the payload's name and treating the person as not a workspace admin",
      );
      return { failed: typeof code === "string" ? code : "users_info_failed" };
    }
  }

  private remember(key: string, entry: Entry): void {
    rememberRecent(this.cache, key, entry, this.options.size ?? 10_000);
  }

  private ttl(): number {
    return this.options.ttlMs ?? 3_600_000;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
