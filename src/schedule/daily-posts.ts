import type { Roadmap, Topic } from "../content/schema.ts";
import type { RoadmapLookup } from "../core/lookup.ts";
import { type Block, type Reply, reply } from "../core/reply.ts";
import { levelLabel, stageName, topicButtons } from "../core/views.ts";
import type { Streak } from "../progress/streak.ts";
import { describeSchedule, localAndUtc } from "./describe.ts";
import type { Subscription, SubscriptionState } from "./subscription.ts";

/** What a channel's next daily post is: a topic, or the closing post after the last one. */
export type ChannelPostPlan =
  | { kind: "topic"; topic: Topic; position: number; total: number }
  | { kind: "closing"; total: number; first: Topic };

const tracks = new WeakMap<Roadmap, Record<Subscription["track"], Topic[]>>();

/** The topics a track posts, in roadmap order: all of them, or only the Required ones. */
export function trackTopics(roadmap: Roadmap, track: Subscription["track"]): Topic[] {
  let both = tracks.get(roadmap);
  if (!both) {
    both = { all: roadmap.topics, required: roadmap.topics.filter((topic) => topic.level === "required") };
    tracks.set(roadmap, both);
  }
  return both[track];
}

/**
 * The topic after the last one posted. A last topic that is no longer on the track (the track
 * changed, the topic's level changed) continues from its place in the roadmap; one that is gone
 * from the roadmap starts the channel over.
 */
export function planChannelPost(
  roadmap: Roadmap,
  track: Subscription["track"],
  state: SubscriptionState,
): ChannelPostPlan {
  const topics = trackTopics(roadmap, track);
  const first = topics[0] ?? (roadmap.topics[0] as Topic);
  const last = state.lastTopicId ? roadmap.topicsById.get(state.lastTopicId) : undefined;
  const index = last ? topics.findIndex((topic) => topic.order > last.order) : 0;
  const topic = index === -1 ? undefined : topics[index];
  if (!topic) return { kind: "closing", total: topics.length, first };
  return { kind: "topic", topic, position: index + 1, total: topics.length };
}

/** The state after a post went out: the closing post starts the next round. */
export function afterPost(
  state: SubscriptionState,
  plan: ChannelPostPlan,
  post: { date: string; at: Date; ref: string; catchUp: boolean },
): SubscriptionState {
  const { lastTopicId: _previous, ...rest } = state;
  const lastPost = { date: post.date, at: post.at.toISOString(), ref: post.ref, catchUp: post.catchUp };
  return plan.kind === "topic"
    ? {
        ...rest,
        lastTopicId: plan.topic.id,
        failedDays: 0,
        lastPost: { ...lastPost, kind: "topic", topicId: plan.topic.id },
      }
    : { ...rest, rounds: state.rounds + 1, failedDays: 0, lastPost: { ...lastPost, kind: "closing" } };
}

const catchUpNote = (dueAt: number, zone: string): Block => ({
  type: "context",
  text: `Catch-up post: this was due at ${localAndUtc(dueAt, zone)}, while I was offline.`,
});

/** A channel's daily post: the topic with its stage context, level, description and buttons. */
export function channelPostReply(
  lookup: RoadmapLookup,
  plan: ChannelPostPlan,
  subscription: Subscription,
  slot: { catchUp: boolean; at: number },
): Reply {
  const { roadmap } = lookup;
  const late = slot.catchUp ? [catchUpNote(slot.at, subscription.zone)] : [];
  if (plan.kind === "closing") {
    return reply(
      [
        { type: "header", text: `${roadmap.title}: complete!` },
        {
          type: "text",
          text: `This channel has gone through all ${plan.total} ${subscription.track === "required" ? "Required " : ""}topics, one a day. Well done, everyone! Next time we start over with ${plan.first.title}.`,
        },
        ...late,
      ],
      { private: false },
    );
  }
  const { topic, position, total } = plan;
  const stage = roadmap.stages[topic.stageNumber - 1];
  const stageContext = stage
    ? `${stageName(stage)} · topic ${topic.indexInStage} of ${stage.topics.length}`
    : `Stage ${topic.stageNumber}`;
  return reply(
    [
      { type: "header", text: `Today's topic: ${topic.title}` },
      { type: "context", text: stageContext },
      { type: "text", text: topic.description },
      {
        type: "fields",
        fields: [
          { label: "Level", value: levelLabel[topic.level] },
          {
            label: "Daily topic",
            value: `${position} of ${total}${subscription.track === "required" ? " (Required only)" : ""}`,
          },
        ],
      },
      { type: "actions", buttons: topicButtons(lookup, topic).slice(0, 3) },
      ...late,
      {
        type: "context",
        text: `Mark it for yourself with the buttons, or \`${lookup.command(`topic ${topic.id}`)}\`.`,
      },
    ],
    { private: false },
  );
}

/**
 * A person's reminder: their own next topic, the reviews due (with a button to start), and their
 * streak when today still needs a study.
 */
export function reminderReply(
  lookup: RoadmapLookup,
  topic: Topic | undefined,
  streak: Streak,
  slot: { catchUp: boolean; at: number },
  zone: string,
  reviewsDue = 0,
): Reply {
  const late = slot.catchUp ? [catchUpNote(slot.at, zone)] : [];
  const streakLine: Block[] =
    streak.current > 0 && !streak.studiedToday
      ? [
          {
            type: "text",
            text: `You are on a ${streak.current}-day streak and have not studied today yet: mark a topic done or answer a review to keep it going.`,
          },
        ]
      : [];
  const reviewLine: Block[] =
    reviewsDue > 0
      ? [
          {
            type: "text",
            text: `${reviewsDue === 1 ? "1 review is" : `${reviewsDue} reviews are`} due: a minute each, and what you learned stays learned.`,
          },
          {
            type: "actions",
            buttons: [{ label: `Review (${reviewsDue})`, command: lookup.command("review"), style: "primary" }],
          },
        ]
      : [];
  if (!topic) {
    return reply(
      [
        { type: "header", text: "Study reminder" },
        ...streakLine,
        ...reviewLine,
        { type: "text", text: `You have done every topic of ${lookup.roadmap.title}. Nothing left to study!` },
        { type: "context", text: `Turn these reminders off with \`${lookup.command("remind off")}\`.` },
      ],
      { private: false },
    );
  }
  return reply(
    [
      { type: "header", text: `Study reminder: ${topic.title}` },
      ...streakLine,
      ...reviewLine,
      { type: "text", text: topic.description },
      { type: "fields", fields: [{ label: "Level", value: levelLabel[topic.level] }] },
      { type: "actions", buttons: topicButtons(lookup, topic) },
      ...late,
      { type: "context", text: `One reminder a day at most. \`${lookup.command("remind off")}\` stops them.` },
    ],
    { private: false },
  );
}

/** Sent to whoever set a subscription up when it pauses after failing three days in a row. */
export function pausedNotice(subscription: Subscription, error: string): Reply {
  const what =
    subscription.kind === "channel"
      ? `The daily topic for channel ${subscription.channelId} (${describeSchedule(subscription)})`
      : `Your study reminder (${describeSchedule(subscription)})`;
  const fix =
    subscription.kind === "channel"
      ? "Fix that, then type `daily on` in the channel to start again where it stopped; `daily status` shows the details."
      : "Fix that, then type `remind on` to start again.";
  return reply(
    [
      { type: "header", text: "Daily posts paused" },
      { type: "text", text: `${what} failed three scheduled days in a row, so I paused it. The last error: ${error}` },
      { type: "text", text: fix },
    ],
    { private: false },
  );
}
