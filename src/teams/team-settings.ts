import { z } from "zod";
import type { Logger } from "../logger.ts";
import { isTimeZone } from "../schedule/zoned-time.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";

/** A team is a Slack workspace or a Discord server. */
export const teamSettingsSchema = z.object({
  /** The team's time zone: the default for daily posts and reminders made in it. */
  zone: z.string().refine(isTimeZone).optional(),
  /** Who may change a channel's daily topic: the platform's channel managers, or anyone. */
  dailyManagers: z.enum(["admins", "anyone"]).default("admins"),
  /** Whether answers carry pictures (progress map, leaderboard cards) next to their text; on unless turned off. */
  pictures: z.enum(["on", "off"]).optional(),
});
export type TeamSettings = z.infer<typeof teamSettingsSchema>;

/** Whether a team's answers and recaps carry pictures: unless it turned them off. */
export const picturesOn = (settings: TeamSettings): boolean => settings.pictures !== "off";

const defaults: TeamSettings = Object.freeze({ dailyManagers: "admins" });

export class TeamSettingsRepository {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async get(platform: string, teamId: string | undefined): Promise<TeamSettings> {
    if (!teamId) return defaults;
    const key = keys.teamSettings(platform, teamId);
    return this.decode(key, await this.store.get(key));
  }

  async update(platform: string, teamId: string, change: Partial<TeamSettings>): Promise<TeamSettings> {
    const key = keys.teamSettings(platform, teamId);
    return this.store.withLock(key, async () => {
      const next = { ...this.decode(key, await this.store.get(key)), ...change };
      await this.store.set(key, next);
      return next;
    });
  }

  private decode(key: string, value: unknown): TeamSettings {
    if (value === undefined) return defaults;
    const parsed = teamSettingsSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt team settings");
    return defaults;
  }
}
