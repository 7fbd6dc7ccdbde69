/**
 * What bench/discord.ts seeds and what it accepts as the bot's answer: each bench member has a
 * different mix of done, learning and skipped topics in stage 17 (and one done elsewhere), and a
 * callback counts only if it is the stage 17 reply showing exactly that member's statuses.
 */
import type { Roadmap } from "../src/content/schema.ts";
import type { CallbackBody } from "../test/e2e/fake-discord.ts";

export const benchStage = 17;
/** What the stage's embed is titled; the bench fails at once if the content no longer says so. */
export const benchStageTitle = "Stage 17 · ArgoCD";

/** The bare client's whole answer (bench/discord-processes.ts). */
export const bareReply = "ok";

type Seeded = "done" | "learning" | "skipped";

/** One bench member: the commands that seed their progress, and what stage 17 must then show. */
export interface MemberPlan {
  userId: string;
  commands: string[];
  /** Each stage topic's id and the status the member has in it (todo when unseeded). */
  topics: { id: string; state: Seeded | "todo" }[];
  done: number;
  total: number;
}

/** Bench member i's snowflake. */
export const memberId = (i: number): string => (1290000000000010000n + BigInt(i)).toString();

/**
 * Member i does one stage topic, starts another (every third member skips it instead, every
 * third leaves it), and does one topic of another stage; the picks rotate so members differ.
 */
export function planMembers(roadmap: Roadmap, members: number): MemberPlan[] {
  const stage = roadmap.stages.find((candidate) => candidate.number === benchStage);
  if (!stage || stage.topics.length < 3) throw new Error(`the default roadmap has no stage ${benchStage} to bench`);
  const elsewhere = roadmap.topics.filter((topic) => topic.stageNumber !== benchStage);
  return Array.from({ length: members }, (_, i) => {
    const seeded = new Map<string, Seeded>();
    const pick = (offset: number) => stage.topics[(i + offset) % stage.topics.length]?.id ?? "";
    seeded.set(pick(0), "done");
    if (i % 3 === 0) seeded.set(pick(2), "learning");
    if (i % 3 === 1) seeded.set(pick(2), "skipped");
    const verbs: Record<Seeded, string> = { done: "done", learning: "start", skipped: "skip" };
    const other = elsewhere[(i * 7) % elsewhere.length];
    const commands = [...seeded].map(([id, state]) => `${verbs[state]} ${id}`);
    if (other) commands.push(`done ${other.id}`);
    return {
      userId: memberId(i),
      commands,
      topics: stage.topics.map((topic) => ({ id: topic.id, state: seeded.get(topic.id) ?? "todo" })),
      done: [...seeded.values()].filter((state) => state === "done").length,
      total: stage.topics.length,
    };
  });
}

/** How each status starts its topic's line in the Discord embed. */
const marks: Record<MemberPlan["topics"][number]["state"], string> = {
  done: "✅",
  learning: "📖",
  skipped: "⏭️",
  todo: "⬜",
};

/** What is wrong with the bot's callback for this member, or undefined if it is the real answer. */
export function stageAnswerProblem(body: CallbackBody, plan: MemberPlan): string | undefined {
  const show = () => JSON.stringify(body).slice(0, 300);
  // A direct reply (4), ephemeral (64), pinging no one: a deferral would be a second request.
  if (body.type !== 4) return `callback type ${body.type}, not a message (4): ${show()}`;
  const data = body.data;
  if (data?.flags !== 64) return `not ephemeral: ${show()}`;
  if (data.allowed_mentions?.parse?.length !== 0) return `allowed_mentions is not { parse: [] }: ${show()}`;
  const embed = data.embeds?.[0];
  if (embed?.title !== benchStageTitle) return `first embed is not "${benchStageTitle}": ${show()}`;
  const description = String(embed.description ?? "");
  const progress = `${plan.done}/${plan.total} ·`;
  if (!description.includes(progress)) return `member ${plan.userId} should see "${progress}": ${description}`;
  const lines = description.split("\n");
  for (const topic of plan.topics) {
    const line = lines.find((candidate) => candidate.endsWith(`\`${topic.id}\``));
    if (!line?.startsWith(marks[topic.state]))
      return `member ${plan.userId} should see ${topic.id} as ${topic.state}: ${line ?? "(no line)"}`;
  }
  return undefined;
}
