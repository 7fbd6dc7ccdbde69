import type { ActionsBlock, KnownBlock, Button as SlackButton } from "@slack/types";
import type { Block, Button, Reply, TopicLine } from "../../core/reply.ts";
import { chunkLines, truncate } from "../../core/text.ts";
import { filledCells, levelLabel } from "../../core/views.ts";
import type { TopicState } from "../../progress/model.ts";
import { percent } from "../../progress/summary.ts";
import { escapeMrkdwn, withoutBrokenEntity } from "./mrkdwn.ts";
import { type Part, RenderCache, type Rendered, rendered, renderedSection } from "./render-cache.ts";

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
export const actionIds = { run: "roadmap.run", share: "roadmap.share", picture: "roadmap.picture" } as const;
/**
 * Every button of ours: Share, Picture, or a run button. Run buttons are numbered
 * (`roadmap.run.0`, `.1`…) because Slack wants action ids unique per block.
 */
export const anyButton = /^roadmap\.(run\.\d+|share|picture)$/;

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
const safe = (text: string, max: number): string => safeLine(escapeMrkdwn(text), max);

const bar = (done: number, total: number): string => {
  const filled = filledCells(done, total, 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)}`;
};

const progressLine = (block: Extract<Block, { type: "progress" }>): string =>
  `\`${bar(block.done, block.total)}\` ${block.done}/${block.total} · ${percent(block.done, block.total)}%  ${escapeMrkdwn(block.label)}`;

const topicLine = (topic: TopicLine): string =>
  `${stateEmoji[topic.state]} *${escapeMrkdwn(topic.title)}* · ${levelBadge[topic.level]} ${levelLabel[topic.level]} · \`${escapeMrkdwn(topic.id)}\`${topic.note ? ` · ${escapeMrkdwn(topic.note)}` : ""}`;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
/** Cuts escaped text to `max`; only a cut can leave half an entity behind. */
function safeLine(text: string, max: number = slackLimits.sectionText): string {
  const cut = truncate(text, max);
  return cut === text ? text : withoutBrokenEntity(cut);
}

const cache = new RenderCache(2_000, 1_500);

/** Adds what a button's rendering depends on to a cache key's parts. */
function pushButton(parts: Part[], button: Button | undefined): Part[] {
  parts.push(button?.label, button?.command, button?.style);
  return parts;
}

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

const cachedActions = (buttons: Button[], share: string | undefined, startIndex: number): readonly Rendered[] =>
  cache.get(share ?? "", buttons.reduce(pushButton, ["actions", startIndex]), () =>
    actionsBlocks(buttons, share, startIndex),
  );

/** A topic's own section, with its one-click button numbered `index`. */
const topicSection = (topic: TopicLine, index: number): readonly Rendered[] =>
  cache.get(
    topic.id,
    pushButton(["topic", index, topic.state, topic.title, topic.level, topic.note], topic.action),
    () => {
      const text = safeLine(topicLine(topic));
      const accessory = topic.action && slackButton(topic.action, `${actionIds.run}.${index}`, false);
      return [{ type: "section", text: { type: "mrkdwn", text }, ...(accessory ? { accessory } : {}) }];
    },
  );

/** Runs of progress bars and topic lines become as few sections as their text allows. */
function renderBlocks(reply: Reply): Rendered[] {
  const out: Rendered[] = [];
  let pendingLines: string[] = [];
  let buttonCount = 0;
  let shareShown = false;
  const flush = () => {
    for (const chunk of chunkLines(pendingLines, slackLimits.sectionText)) out.push(renderedSection(chunk));
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
          out.push(...topicSection(topic, buttonCount));
          if (topic.action) buttonCount++;
        }
      } else {
        pendingLines.push(...block.topics.map(topicLine));
      }
      continue;
    }
    flush();
    switch (block.type) {
      case "header":
        out.push(
          ...cache.get(block.text, ["header"], () => [
            {
              type: "header",
              text: { type: "plain_text", text: truncate(block.text, slackLimits.headerText), emoji: true },
            },
          ]),
        );
        break;
      case "text":
        out.push(
          ...cache.get(block.text, ["text"], () =>
            chunkLines(escapeMrkdwn(block.text).split("\n"), slackLimits.sectionText).map(section),
          ),
        );
        break;
      case "fields":
        out.push(
          ...cache.get(
            block.fields[0]?.label ?? "",
            ["fields", ...block.fields.flatMap((field) => [field.label, field.value])],
            () => {
              const sections: KnownBlock[] = [];
              for (let i = 0; i < block.fields.length; i += slackLimits.fieldsPerSection) {
                sections.push({
                  type: "section",
                  fields: block.fields.slice(i, i + slackLimits.fieldsPerSection).map((field) => ({
                    type: "mrkdwn",
                    text: safe(`*${field.label}*\n${field.value}`, slackLimits.fieldText),
                  })),
                });
              }
              return sections;
            },
          ),
        );
        break;
      case "context":
        out.push(
          ...cache.get(block.text, ["context"], () => [
            { type: "context", elements: [{ type: "mrkdwn", text: safe(block.text, slackLimits.contextText) }] },
          ]),
        );
        break;
      case "actions": {
        const share: string | undefined = reply.private && !shareShown ? reply.share : undefined;
        shareShown ||= share !== undefined;
        out.push(...cachedActions(block.buttons, share, buttonCount));
        buttonCount += block.buttons.length;
        break;
      }
    }
  }
  flush();
  if (reply.private && reply.share && !shareShown) out.push(...cachedActions([], reply.share, 0));
  return out;
}

/**
 * Keeps the message under the block budget. The trailing buttons and context survive; the body
 * is cut, with a line saying how much was left out and what to type to see less at once.
 */
function withinBlockBudget(blocks: Rendered[]): Rendered[] {
  let total = 0;
  for (const block of blocks) total += block.size;
  if (blocks.length <= slackLimits.blocks && total <= slackLimits.totalText) return blocks;
  let tailStart = blocks.length;
  while (tailStart > 0 && ["actions", "context"].includes(blocks[tailStart - 1]?.block.type ?? "")) tailStart--;
  // The trailing buttons and context keep at most half the room; the body gets the rest.
  const tail: Rendered[] = [];
  let tailSize = 0;
  for (let index = tailStart; index < blocks.length && tail.length < Math.floor(slackLimits.blocks / 3); index++) {
    const block = blocks[index] as Rendered;
    if (tailSize + block.size > slackLimits.totalText / 2) break;
    tail.push(block);
    tailSize += block.size;
  }
  const body = blocks.slice(0, tailStart);
  let room = slackLimits.totalText - tailSize - 200;
  let fits = 0;
  while (fits < body.length && fits < slackLimits.blocks - tail.length - 1 && (body[fits]?.size ?? 0) <= room) {
    room -= body[fits]?.size ?? 0;
    fits++;
  }
  const kept = body.slice(0, fits);
  const notice = rendered({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `…and ${body.length - kept.length} more sections. Narrow it down with \`search <words>\`.`,
      },
    ],
  });
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

/** Each message made here, with its JSON as bytes: exactly `JSON.stringify(message)`, made from each block's. */
const prepared = new WeakMap<object, Buffer>();

/**
 * The JSON bytes of a message toSlackMessage made, for sending it as it is; undefined for any other
 * value (or a copy), which the caller then serialises itself.
 */
export const preparedJson = (message: unknown): Buffer | undefined =>
  typeof message === "object" && message !== null ? prepared.get(message) : undefined;

const comma = Buffer.from(",");
const end = Buffer.from("]}");

/** Reply -> a Slack message: escaped, inside Block Kit's limits, ephemeral when the reply is private. */
export function toSlackMessage(reply: Reply): SlackMessage {
  const responseType = reply.private ? "ephemeral" : "in_channel";
  const text = fallbackText(reply);
  const blocks: KnownBlock[] = [];
  // The keys in the order the message object has them, so the bytes are the message's JSON.
  const bytes: Buffer[] = [Buffer.from(`{"response_type":"${responseType}","text":${JSON.stringify(text)},"blocks":[`)];
  for (const [i, block] of withinBlockBudget(renderBlocks(reply)).entries()) {
    blocks.push(block.block);
    if (i > 0) bytes.push(comma);
    bytes.push(block.bytes);
  }
  bytes.push(end);
  const message: SlackMessage = { response_type: responseType, text, blocks };
  prepared.set(message, Buffer.concat(bytes));
  return message;
}

/**
 * The message with one more block at its end. A message toSlackMessage made keeps prepared JSON:
 * its bytes up to the closing "]}", the block's, then "]}" again, so a picture answer is not
 * serialised whole once more (that cost every `progress` with a picture about 30 µs).
 */
export function withBlockAppended(message: SlackMessage, block: KnownBlock): SlackMessage {
  const appended: SlackMessage = { ...message, blocks: [...message.blocks, block] };
  const bytes = prepared.get(message);
  if (bytes) {
    const separator = message.blocks.length > 0 ? comma : Buffer.alloc(0);
    const open = bytes.subarray(0, bytes.length - end.length);
    prepared.set(appended, Buffer.concat([open, separator, Buffer.from(JSON.stringify(block)), end]));
  }
  return appended;
}
