import type { Block, Reply } from "../../core/reply.ts";
import { filledCells, levelLabel } from "../../core/views.ts";
import type { TopicState } from "../../progress/model.ts";
import { percent } from "../../progress/summary.ts";

/** Reply -> plain text for terminals and `ask`. Buttons become the commands they stand for. */

const stateIcon: Record<TopicState, string> = { done: "[x]", learning: "[~]", skipped: "[-]", todo: "[ ]" };
const barWidth = 10;

export function progressBar(done: number, total: number): string {
  const filled = filledCells(done, total, barWidth);
  return `${"#".repeat(filled)}${"-".repeat(barWidth - filled)}`;
}

function renderBlock(block: Block): string {
  switch (block.type) {
    case "header":
      return `== ${block.text} ==`;
    case "text":
    case "context":
      return block.text;
    case "progress":
      return `[${progressBar(block.done, block.total)}] ${block.done}/${block.total} ${String(percent(block.done, block.total)).padStart(3)}%  ${block.label}`;
    case "fields":
      return block.fields.map((field) => `${field.label}: ${field.value}`).join("\n");
    case "topics":
      return block.topics
        .map(
          (topic) =>
            `  ${stateIcon[topic.state]} ${topic.title} (${topic.id}) · ${levelLabel[topic.level]}${topic.note ? ` · ${topic.note}` : ""}`,
        )
        .join("\n");
    case "actions":
      return `-> ${block.buttons.map((button) => `\`${button.command}\``).join("  ")}`;
  }
}

/**
 * The file, when there is one, follows the blocks unchanged: a terminal has nowhere to attach
 * it, and printed as-is it can be copied or cut out of `roadmap-bot ask export` output whole.
 */
export const renderText = (reply: Reply): string => {
  const text = reply.blocks.map(renderBlock).join("\n");
  return reply.file ? `${text}\n${reply.file.content}` : text;
};
