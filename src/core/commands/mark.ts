import type { TopicStatus } from "../../progress/model.ts";
import { countDone, nextTopic, percent } from "../../progress/summary.ts";
import type { CommandContext } from "../command.ts";
import { type Block, type Reply, reply } from "../reply.ts";
import { stateLabel } from "../views.ts";

/** Shared by done, start, skip and undo: they differ only in the status they write. */

const verbs: Record<TopicStatus, string> = { done: "done", learning: "learning", skipped: "skipped" };

export async function markTopic(context: CommandContext, status: TopicStatus | null): Promise<Reply> {
  const { roadmap, lookup, progress, who, arg, now, standings } = context;
  const topic = lookup.topic(arg, context.commandName);
  const before = (await progress.load(roadmap, who)).topics.get(topic.id);
  if ((before?.status ?? null) !== status) await context.recordPerson();
  // The review card follows the status in the same unit: both land together or neither does.
  const change = await standings.change(who, roadmap, now, async (unit) => {
    const applied = await progress.applyStatus(roadmap, who, topic.id, status, now, unit);
    await context.reviews.follow(roadmap.id, who, topic.id, applied, now, unit);
    return applied;
  });
  const mine = change.progress;
  const overall = countDone(mine, roadmap.topics);
  const summary = `${overall.done}/${overall.total} done (${percent(overall.done, overall.total)}%)`;

  let message: string;
  if (change.previous?.status === change.current?.status) {
    message =
      status === null
        ? `${topic.title} has no status to undo.`
        : `${topic.title} was already marked ${verbs[status]}; nothing changed.`;
  } else if (status === null) {
    message = `Undone: ${topic.title} is back to not started (was ${stateLabel[change.previous?.status ?? "todo"].toLowerCase()}).`;
  } else {
    message = `Marked ${topic.title} as ${verbs[status]}.`;
  }
  const next = nextTopic(mine, roadmap);
  const blocks: Block[] = [
    { type: "text", text: `${message} ${summary}.` },
    ...(next
      ? [
          { type: "context" as const, text: `Next up: ${next.title} (stage ${next.stageNumber})` },
          { type: "actions" as const, buttons: [{ label: "Next topic", command: lookup.command("next") }] },
        ]
      : [{ type: "context" as const, text: `That is all ${overall.total} topics. Roadmap complete!` }]),
  ];
  return reply(blocks);
}
