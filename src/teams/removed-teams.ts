import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";

/** How long a team that removed the bot keeps its people's data, in case it installs the bot again. */
export const removedTeamGraceMs = 30 * 86_400_000;

const removedSchema = z.record(
  z.string(),
  z.object({ platform: z.string(), teamId: z.string(), at: z.iso.datetime() }),
);
type Removed = z.infer<typeof removedSchema>;

export interface RemovedTeam {
  platform: string;
  teamId: string;
  at: string;
}

/**
 * The teams that removed the bot (a Slack workspace that uninstalled it), since when: their
 * people's data is deleted once the grace period has passed, unless they install it again. One
 * small document, changed under its lock: removals are rare.
 */
export class RemovedTeams {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** Notes the removal; a second notice (Slack sends more than one) keeps the first time. */
  mark(platform: string, teamId: string, at: Date): Promise<void> {
    return this.change((removed) => {
      const id = `${platform}/${teamId}`;
      if (removed[id]) return false;
      removed[id] = { platform, teamId, at: at.toISOString() };
      return true;
    });
  }

  /** The team installed the bot again: its people keep their data. */
  unmark(platform: string, teamId: string): Promise<void> {
    return this.change((removed) => delete removed[`${platform}/${teamId}`]);
  }

  /** The teams whose grace period has passed at `now`. */
  async due(now: Date, graceMs = removedTeamGraceMs): Promise<RemovedTeam[]> {
    return Object.values(await this.read()).filter((team) => Date.parse(team.at) + graceMs <= now.getTime());
  }

  private async read(): Promise<Removed> {
    const stored = await this.store.get(keys.removedTeams());
    if (stored === undefined || stored === null) return {};
    const parsed = removedSchema.safeParse(stored);
    if (parsed.success) return parsed.data;
    this.logger.warn({ issues: parsed.error.issues }, "ignoring a corrupt list of removed teams");
    return {};
  }

  /** Edits the list under its lock; writes only when `edit` says something changed. */
  private change(edit: (removed: Removed) => boolean): Promise<void> {
    return this.store.withLock(keys.removedTeams(), async () => {
      const removed = { ...(await this.read()) };
      if (edit(removed)) await this.store.set(keys.removedTeams(), removed);
    });
  }
}
