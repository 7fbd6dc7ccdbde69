/**
 * The people of bench/images.ts, seeded through the core before the bot starts (bench/slack-seed.ts
 * does the marking and the expected answers): the `stage 17` people of bench/slack.ts; a picture
 * pool whose progress maps are all distinct, so that, asked in a cycle, together they overflow
 * the bot's picture cache; and a team that has turned pictures off, for text-only `progress`.
 */
import type { Roadmap } from "../src/content/schema.ts";
import { silentLogger } from "../src/logger.ts";
import type { TopicStatus } from "../src/progress/model.ts";
import { TeamSettingsRepository } from "../src/teams/team-settings.ts";
import type { Fixtures } from "./images-expect.ts";
import { userIdOf } from "./replica-load.ts";
import {
  answers,
  markAll,
  type SeededPerson,
  slackWho,
  stageBodies,
  stageOf,
  stagePeople,
  withCore,
} from "./slack-seed.ts";

export const offTeam = "T0OFF";

/**
 * Person p of the pool: the first p mod 8 stages done, then three stages further on partly done
 * (the digits of p / 8 in base 5, as topics done there). No two people of the first 1000 have the
 * same done topics per stage, so no two of their maps are the same picture, whatever their names.
 */
function poolPlan(p: number, roadmap: Roadmap): Map<string, TopicStatus> {
  const plan = new Map<string, TopicStatus>();
  const full = p % 8;
  const digits = [Math.floor(p / 8) % 5, Math.floor(p / 40) % 5, Math.floor(p / 200) % 5];
  const partial = new Map([full + 2, full + 5, full + 9].map((stage, i) => [stage, digits[i] ?? 0]));
  roadmap.stages.forEach((stage, s) => {
    const done = s < full ? stage.topics.length : (partial.get(s) ?? 0);
    for (const topic of stage.topics.slice(0, done)) plan.set(topic.id, "done");
    // Someone studying the stage they are on, as people do.
    if (s === full && stage.topics[0]) plan.set(stage.topics[0].id, "learning");
  });
  return plan;
}

/** Seeds everyone (see the file comment) and makes what the generator checks answers against. */
export function seedImages(
  storeUrl: string,
  sizes: { users: number; pool: number; off: number },
): Promise<{ people: SeededPerson[]; fixtures: Omit<Fixtures, "botUrl" | "secret" | "publicUrl"> }> {
  if (sizes.pool > 1000) throw new Error("--pool must be at most 1000 (distinct maps; see poolPlan)");
  return withCore(storeUrl, async (app) => {
    const roadmap = app.core.defaultRoadmap;
    const stage = stageOf(app, 17);
    const ids = (from: number, length: number) => Array.from({ length }, (_, i) => userIdOf(from + i));
    const staged = stagePeople(app, stage, sizes.users);
    const pool = ids(sizes.users, sizes.pool).map((id, p) => ({ who: slackWho(id), plan: poolPlan(p, roadmap) }));
    // The pool's progress again, spread over its range when fewer: a `progress` costs more the more marks.
    const off = ids(sizes.users + sizes.pool, sizes.off).map((id, i) => ({
      who: slackWho(id, offTeam),
      plan: poolPlan(Math.floor(((i + 0.5) * sizes.pool) / sizes.off), roadmap),
    }));
    await new TeamSettingsRepository(app.store, silentLogger).update("slack", offTeam, { pictures: "off" });
    const people = [...staged, ...pool, ...off];
    await markAll(app, people);
    // The core's answer as the Slack renderer makes it, blocks only: the bot adds the image block.
    const [stageAnswers, poolAnswers, offAnswers] = await Promise.all([
      stageBodies(app, staged, stage),
      answers(app, pool, "progress"),
      answers(app, off, "progress"),
    ]);
    if (new Set(poolAnswers).size !== pool.length)
      throw new Error("two people of the picture pool show the same progress");
    const done = (plan: Map<string, TopicStatus>) => [...plan.values()].filter((status) => status === "done").length;
    return {
      people,
      fixtures: {
        stage: staged.map(({ who }, u) => ({ userId: who.userId, body: stageAnswers[u] as string })),
        pool: pool.map(({ who, plan }, p) => ({
          userId: who.userId,
          body: poolAnswers[p] as string,
          done: done(plan),
        })),
        off: off.map(({ who }, i) => ({ userId: who.userId, teamId: offTeam, body: offAnswers[i] as string })),
      },
    };
  });
}
