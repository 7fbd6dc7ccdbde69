/**
 * The people of the Slack benches (bench/slack.ts, bench/images.ts) and their progress, seeded into
 * the bench's store through the core before the bot starts, so the documents are what the bot
 * writes; and the read-back after a run that shows the store still holds all of it.
 */
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import type { Stage } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { type App, createApp } from "../src/main.ts";
import { toSlackMessage } from "../src/platforms/slack/blocks.ts";
import { whoFromCommand } from "../src/platforms/slack/who.ts";
import type { TopicStatus } from "../src/progress/model.ts";
import { ProgressRepository } from "../src/progress/progress-repository.ts";
import { stateOf } from "../src/progress/summary.ts";
import { userIdOf } from "./replica-load.ts";

export const contentDir = path.resolve(import.meta.dirname, "..", "content");

/** One person: who they are as the bot sees their slash commands, and what they have marked. */
export interface SeededPerson {
  who: Who;
  plan: Map<string, TopicStatus>;
}

/** The slash command's fields as the load generators send them, so the seed is the bot's very people. */
export const slackWho = (userId: string, teamId = "T0TEST"): Who =>
  whoFromCommand({
    user_id: userId,
    user_name: userId.toLowerCase(),
    team_id: teamId,
    channel_id: "C0TEST",
    channel_name: "learning",
  });

/** What person u has marked, topic by topic: a spread of done, learning and skipped; every tenth person nothing. */
export function seedPlan(u: number, stage: Stage, allTopics: readonly { id: string }[]): Map<string, TopicStatus> {
  const plan = new Map<string, TopicStatus>();
  if (u % 10 === 9) return plan;
  stage.topics.forEach((topic, i) => {
    const k = (u * 7 + i * 3) % 6;
    if (k <= 1) plan.set(topic.id, "done");
    else if (k === 2) plan.set(topic.id, "learning");
    else if (k === 3) plan.set(topic.id, "skipped");
  });
  for (const offset of [11, 29]) {
    const topic = allTopics[(u * offset) % allTopics.length];
    if (topic && !plan.has(topic.id)) plan.set(topic.id, "done");
  }
  return plan;
}

const verb: Record<TopicStatus, string> = { done: "done", learning: "start", skipped: "skip" };
const emoji: Record<TopicStatus, string> = {
  done: ":white_check_mark:",
  learning: ":book:",
  skipped: ":fast_forward:",
};
const count = (text: string, word: string) => text.split(word).length - 1;

/**
 * The core on the bench's store, here in this process, for `use`; closed after, as the bot must
 * own the file alone.
 */
export async function withCore<T>(storeUrl: string, use: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp(loadConfig({ STORE_URL: storeUrl, CONTENT_DIR: contentDir }), "silent");
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}

/** The default roadmap's stage with that number. */
export function stageOf(app: App, number: number): Stage {
  const stage = app.core.defaultRoadmap.stages.find((s) => s.number === number);
  if (!stage) throw new Error(`the default roadmap has no stage ${number}`);
  return stage;
}

/** bench/slack.ts's people, who ask `stage 17`: u from 0, each with seedPlan(u). */
export function stagePeople(app: App, stage: Stage, users: number): SeededPerson[] {
  return Array.from({ length: users }, (_, u) => ({
    who: slackWho(userIdOf(u)),
    plan: seedPlan(u, stage, app.core.defaultRoadmap.topics),
  }));
}

/** Marks every person's plan through the core. */
export async function markAll(app: App, people: readonly SeededPerson[]): Promise<void> {
  await Promise.all(
    people.map(async ({ who, plan }) => {
      // One person's marks one after another: each is a read-modify-write of their one document.
      for (const [topic, status] of plan) {
        const reply = await app.core.handle({ text: `${verb[status]} ${topic}`, who });
        if (reply.outcome !== "ok") throw new Error(`seeding "${verb[status]} ${topic}" answered ${reply.outcome}`);
      }
    }),
  );
}

/** The Slack message the bot's core and renderer make for `text` from each person, as its JSON. */
export function answers(app: App, people: readonly SeededPerson[], text: string): Promise<string[]> {
  return Promise.all(
    people.map(async ({ who }) => {
      const reply = await app.core.handle({ text, who });
      if (reply.outcome !== "ok") throw new Error(`${who.userId}'s "${text}" answered ${reply.outcome}`);
      return JSON.stringify(toSlackMessage(reply));
    }),
  );
}

/**
 * Each person's expected `stage <n>` answer, checked first to show each one's seeded statuses in
 * that stage.
 */
export async function stageBodies(app: App, people: readonly SeededPerson[], stage: Stage): Promise<string[]> {
  const bodies = await answers(app, people, `stage ${stage.number}`);
  for (const [u, body] of bodies.entries()) {
    const { who, plan } = people[u] as SeededPerson;
    for (const status of ["done", "learning", "skipped"] as const) {
      const inStage = stage.topics.filter((topic) => plan.get(topic.id) === status).length;
      if (count(body, emoji[status]) !== inStage)
        throw new Error(
          `${who.userId}'s stage ${stage.number} shows ${count(body, emoji[status])} ${status}, seeded ${inStage}`,
        );
    }
  }
  return bodies;
}

/** Reads every person's progress back from the file the bot served from: the seed must all be there. */
export function checkStore(storeUrl: string, people: readonly SeededPerson[]): Promise<number> {
  return withCore(storeUrl, async (app) => {
    const progress = new ProgressRepository(app.store, silentLogger);
    let marks = 0;
    for (const { who, plan } of people) {
      const stored = await progress.load(app.core.defaultRoadmap, who);
      for (const [topic, status] of plan) {
        if (stateOf(stored, topic) !== status)
          throw new Error(`the store has ${who.userId}'s ${topic} as ${stateOf(stored, topic)}, seeded ${status}`);
        marks++;
      }
      if (stored.topics.size !== plan.size)
        throw new Error(`the store has ${stored.topics.size} marks for ${who.userId}, seeded ${plan.size}`);
    }
    return marks;
  });
}
