import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";

/** People per page: a join rewrites one page, never the whole team. */
const pageSize = 500;

const headSchema = z.object({ pages: z.number().int().min(0) });
const pageSchema = z.object({ people: z.array(z.string()) });

/**
 * Everyone ever seen in a team, for the one job that needs them all: deleting a team's people's
 * data once it removed the bot. Written when a person first shows up in the team (before their
 * profile says so, so a crash in between leaves an extra name here, never a missing one), in
 * pages of 500 under the team's lock; read page by page.
 */
export class TeamPeople {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async add(platform: string, teamId: string, userId: string): Promise<void> {
    await this.store.withLock(keys.teamPeople(platform, teamId), async () => {
      const head = await this.read(keys.teamPeople(platform, teamId), headSchema, { pages: 0 });
      const lastIndex = head.pages - 1;
      const last = lastIndex >= 0 ? await this.page(platform, teamId, lastIndex) : [];
      if (last.includes(userId)) return;
      if (lastIndex >= 0 && last.length < pageSize) {
        await this.store.set(keys.teamPeoplePage(platform, teamId, lastIndex), { people: [...last, userId] });
        return;
      }
      await this.store.set(keys.teamPeoplePage(platform, teamId, head.pages), { people: [userId] });
      await this.store.set(keys.teamPeople(platform, teamId), { pages: head.pages + 1 });
    });
  }

  /** Takes one person off the team's list (forget-me): their page is rewritten without them. */
  async remove(platform: string, teamId: string, userId: string): Promise<void> {
    await this.store.withLock(keys.teamPeople(platform, teamId), async () => {
      const head = await this.read(keys.teamPeople(platform, teamId), headSchema, { pages: 0 });
      for (let index = 0; index < head.pages; index++) {
        const people = await this.page(platform, teamId, index);
        if (!people.includes(userId)) continue;
        await this.store.set(keys.teamPeoplePage(platform, teamId, index), {
          people: people.filter((one) => one !== userId),
        });
      }
    });
  }

  /** Everyone recorded for the team, page by page. */
  async *all(platform: string, teamId: string): AsyncGenerator<string[]> {
    const head = await this.read(keys.teamPeople(platform, teamId), headSchema, { pages: 0 });
    for (let index = 0; index < head.pages; index++) yield await this.page(platform, teamId, index);
  }

  /** Forgets the list, once everyone in it is gone. */
  async clear(platform: string, teamId: string): Promise<void> {
    await this.store.withLock(keys.teamPeople(platform, teamId), async () => {
      const head = await this.read(keys.teamPeople(platform, teamId), headSchema, { pages: 0 });
      // The head goes first: a clear cut short leaves pages nobody reads, not a head without pages.
      await this.store.delete(keys.teamPeople(platform, teamId));
      for (let index = 0; index < head.pages; index++)
        await this.store.delete(keys.teamPeoplePage(platform, teamId, index));
    });
  }

  private async page(platform: string, teamId: string, index: number): Promise<string[]> {
    return (await this.read(keys.teamPeoplePage(platform, teamId, index), pageSchema, { people: [] })).people;
  }

  private async read<T>(key: string, schema: z.ZodType<T>, empty: T): Promise<T> {
    const stored = await this.store.get(key);
    if (stored === undefined || stored === null) return empty;
    const parsed = schema.safeParse(stored);
    if (parsed.success) return parsed.data;
    this.logger.warn({ key, issues: parsed.error.issues }, "ignoring a corrupt list of a team's people");
    return empty;
  }
}
