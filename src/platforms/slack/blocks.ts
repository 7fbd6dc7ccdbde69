import type { ActionsBlock, KnownBlock, Button as SlackButton } from "@slack/types";
import type { Block, Button, Reply, TopicLine } from "../../core/reply.ts";
import { chunkLines, truncate } from "../../core/text.ts";
import { filledCells, levelLabel } from "../../core/views.ts";
import type { TopicState } from "../../progress/model.ts";
import { percent } from "../../progress/summary.ts";
import { escapeMrkdwn, withoutBrokenEntity } from "./mrkdwn.ts";

/**
 * Block Kit's published limits, with room to spare: real messages fail below the sum of the
 * limits, so every budget here sits under the documented maximum.
 */
export const slackLimits = {
  blocks: 45, // documented 50
  /** chat.postMessage rejects messages whose blocks hold more than about 12,000 characters in all. */
  totalText: 11_000,
  sectionText: 2_900, // documented 3000
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 1_900, // documented 2000
  contextText: 1_900,
  elementsPerActions: 25,
  buttonText: 75,
  buttonValue: 2_000,
  fallbackText: 300,
} as const;

/** Prefix of the action ids the adapter listens to. */
export const actionIds = { run: "roadmap.run", share: "roadmap.share" } as const;
/** Run buttons are numbered (`roadmap.run.0`, `.1`…) because Slack wants action ids unique per block. */
export const runActionPattern = /^roadmap\.run\.\d+$/;

const stateEmoji: Record<TopicState, string> = {
  done: ":white_check_mark:",
  learning: ":book:",
  skipped: ":fast_forward:",
  todo: ":white_large_square:",
};
const levelBadge = {
  required: ":red_circle:",
  recommended: ":large_yellow_circle:",
  optional: ":white_circle:",
} as const;

/** Escapes, then cuts to `max`, never leaving half an entity behind. */
const safe = (text: string, max: number): string => withoutBrokenEntity(truncate(escapeMrkdwn(text), max));

const bar = (done: number, total: number): string => {
  const filled = filledCells(done, total, 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)}`;
};

const progressLine = (block: Extract<Block, { type: "progress" }>): string =>
  `\`${bar(block.done, block.total)}\` ${block.done}/${block.total} · ${percent(block.done, block.total)}%  ${escapeMrkdwn(block.label)}`;

const topicLine = (topic: TopicLine): string =>
  `${stateEmoji[topic.state]} *${escapeMrkdwn(topic.title)}* · ${levelBadge[topic.level]} ${levelLabel[topic.level]} · \`${escapeMrkdwn(topic.id)}\`${topic.note ? ` · ${escapeMrkdwn(topic.note)}` : ""}`;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const safeLine = (text: string): string => withoutBrokenEntity(truncate(text, slackLimits.sectionText));

/** Up to this many topics, each gets its own section and button (a stage has at most a handful). */
const maxTopicsWithButtons = 12;

function slackButton(button: Button, actionId: string, primary: boolean): SlackButton | undefined {
  if (button.command.length > slackLimits.buttonValue) return undefined;
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text: truncate(button.label, slackLimits.buttonText), emoji: true },
    value: button.command,
    ...(primary ? { style: "primary" as const } : {}),
  };
}

function actionsBlocks(buttons: Button[], share: string | undefined, startIndex: number): ActionsBlock[] {
  const elements = buttons
    .map((button, i) => slackButton(button, `${actionIds.run}.${startIndex + i}`, button.style === "primary"))
    .filter((element): element is SlackButton => element !== undefined);
  if (share) {
    const shareButton = slackButton({ label: "Share in channel", command: share }, actionIds.share, false);
    if (shareButton) elements.push(shareButton);
  }
  const blocks: ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += slackLimits.elementsPerActions) {
    blocks.push({ type: "actions", elements: elements.slice(i, i + slackLimits.elementsPerActions) });
  }
  return blocks;
}

/** Runs of progress bars and topic lines become as few sections as their text allows. */
function renderBlocks(reply: Reply): KnownBlock[] {
  const out: KnownBlock[] = [];
  let pendingLines: string[] = [];
  let buttonCount = 0;
  let shareShown = false;
  const flush = () => {
    for (const chunk of chunkLines(pendingLines, slackLimits.sectionText)) out.push(section(chunk));
    pendingLines = [];
  };
  for (const block of reply.blocks) {
    if (block.type === "progress") {
      pendingLines.push(progressLine(block));
      continue;
    }
    if (block.type === "topics") {
      // A short list gets a section per topic with its one-click button; a long one stays compact.
      if (block.topics.length <= maxTopicsWithButtons) {
        flush();
        for (const topic of block.topics) {
          const text = safeLine(topicLine(topic));
          const accessory = topic.action && slackButton(topic.action, `${actionIds.run}.${buttonCount++}`, false);
          out.push({ type: "section", text: { type: "mrkdwn", text }, ...(accessory ? { accessory } : {}) });
        }
      } else {
        pendingLines.push(...block.topics.map(topicLine));
      }
      continue;
    }
    flush();
    switch (block.type) {
      case "header":
        out.push({
          type: "header",
          text: { type: "plain_text", text: truncate(block.text, slackLimits.headerText), emoji: true },
        });
        break;
      case "text":
        for (const chunk of chunkLines(escapeMrkdwn(block.text).split("\n"), slackLimits.sectionText))
          out.push(section(chunk));
        break;
      case "fields":
        for (let i = 0; i < block.fields.length; i += slackLimits.fieldsPerSection) {
          out.push({
            type: "section",
            fields: block.fields.slice(i, i + slackLimits.fieldsPerSection).map((field) => ({
              type: "mrkdwn",
              text: safe(`*${field.label}*\n${field.value}`, slackLimits.fieldText),
            })),
          });
        }
        break;
      case "context":
        out.push({ type: "context", elements: [{ type: "mrkdwn", text: safe(block.text, slackLimits.contextText) }] });
        break;
      case "actions": {
        const share: string | undefined = reply.private && !shareShown ? reply.share : undefined;
        shareShown ||= share !== undefined;
        out.push(...actionsBlocks(block.buttons, share, buttonCount));
        buttonCount += block.buttons.length;
        break;
      }
    }
  }
  flush();
  if (reply.private && reply.share && !shareShown) out.push(...actionsBlocks([], reply.share, 0));
  return out;
}

/**
 * Keeps the message under the block budget. The trailing buttons and context survive; the body
 * is cut, with a line saying how much was left out and what to type to see less at once.
 */
function withinBlockBudget(blocks: KnownBlock[]): KnownBlock[] {
  const sizes = blocks.map((block) => JSON.stringify(block).length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (blocks.length <= slackLimits.blocks && total <= slackLimits.totalText) return blocks;
  let tailStart = blocks.length;
  while (tailStart > 0 && ["actions", "context"].includes(blocks[tailStart - 1]?.type ?? "")) tailStart--;
  // The trailing buttons and context keep at most half the room; the body gets the rest.
  const tail: KnownBlock[] = [];
  let tailSize = 0;
  for (let index = tailStart; index < blocks.length && tail.length < Math.floor(slackLimits.blocks / 3); index++) {
    const size = sizes[index] ?? 0;
    if (tailSize + size > slackLimits.totalText / 2) break;
    tail.push(blocks[index] as KnownBlock);
    tailSize += size;
  }
  const body = blocks.slice(0, tailStart);
  let room = slackLimits.totalText - tailSize - 200;
  let fits = 0;
  while (fits < body.length && fits < slackLimits.blocks - tail.length - 1 && (sizes[fits] ?? 0) <= room) {
    room -= sizes[fits] ?? 0;
    fits++;
  }
  const kept = body.slice(0, fits);
  const notice: KnownBlock = {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `…and ${body.length - kept.length} more sections. Narrow it down with \`search <words>\`.`,
      },
    ],
  };
  return [...kept, notice, ...tail];
}

function fallbackText(reply: Reply): string {
  const first = reply.blocks.find((block) => block.type === "header" || block.type === "text");
  const text = first && "text" in first ? first.text : "roadmap-bot";
  return safe(text, slackLimits.fallbackText);
}

export interface SlackMessage {
  response_type: "ephemeral" | "in_channel";
  text: string;
  blocks: KnownBlock[];
}

/** Reply -> a Slack message: escaped, inside Block Kit's limits, ephemeral when the reply is private. */
export function toSlackMessage(reply: Reply): SlackMessage {
  return {
    response_type: reply.private ? "ephemeral" : "in_channel",
    text: fallbackText(reply),
    blocks: withinBlockBudget(renderBlocks(reply)),
  };
}
