import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIInteractionResponseCallbackData,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  MessageFlags,
  type RawFile,
} from "discord.js";
import type { Block, Button, Reply, TopicLine } from "../../core/reply.ts";
import { truncate } from "../../core/text.ts";
import { filledCells, levelLabel } from "../../core/views.ts";
import type { TopicState } from "../../progress/model.ts";
import { percent } from "../../progress/summary.ts";
import type { DrawnPicture } from "../reply-picture.ts";

/** Discord's limits, with budgets a little under them where the sum over a message matters. */
export const discordLimits = {
  content: 2_000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4_000, // documented 4096
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  embedsTotal: 5_800, // documented 6000 across all embeds of a message
  rows: 5,
  buttonsPerRow: 5,
  customId: 100,
  buttonLabel: 80,
  /** An attachment's description, its alt text. */
  attachmentDescription: 1_024,
} as const;

/** Custom ids carry the command a button runs: `rb:run:done helm-templating`, `rb:share:stage 17`. */
export const customIdPrefix = { run: "rb:run:", share: "rb:share:" } as const;

const colors = { ok: 0x5865f2, "user-error": 0xf0b232, "internal-error": 0xda373c } as const;
const stateEmoji: Record<TopicState, string> = { done: "✅", learning: "📖", skipped: "⏭️", todo: "⬜" };
const levelBadge = { required: "🔴", recommended: "🟡", optional: "⚪" } as const;

const bar = (done: number, total: number): string => {
  const filled = filledCells(done, total, 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)}`;
};

/** Titles and labels come from a fixed roadmap, so each is escaped once; the bound keeps odd input from growing it. */
const escapedCache = new Map<string, string>();
function escaped(text: string): string {
  let result = escapedCache.get(text);
  if (result === undefined) {
    if (escapedCache.size >= 10_000) escapedCache.clear();
    result = escapeMarkdown(text);
    escapedCache.set(text, result);
  }
  return result;
}

const progressLine = (block: Extract<Block, { type: "progress" }>): string =>
  `\`${bar(block.done, block.total)}\` ${block.done}/${block.total} · ${percent(block.done, block.total)}%  ${escaped(block.label)}`;

/** A topic's line and its one-click button (Done, or Undo once done), as the topic last looked. */
interface RenderedTopic {
  from: TopicLine;
  line: string;
  button: APIButtonComponent | undefined;
}

/**
 * A topic looks the same in every reply that shows it in the same state (a stage, a search, the
 * next topics), so each is rendered once per state. Topic lines come from the core fresh each
 * time: a rendering is reused only if every field it was made from is still the same. Never
 * mutate what this returns: the same objects go into many messages.
 */
const renderedTopics = new Map<string, Partial<Record<TopicLine["state"], RenderedTopic>>>();

function sameTopic(a: TopicLine, b: TopicLine): boolean {
  return (
    a.title === b.title &&
    a.level === b.level &&
    a.note === b.note &&
    a.action?.label === b.action?.label &&
    a.action?.command === b.action?.command
  );
}

function renderedTopic(topic: TopicLine): RenderedTopic {
  let byState = renderedTopics.get(topic.id);
  const cached = byState?.[topic.state];
  if (cached && sameTopic(cached.from, topic)) return cached;
  if (!byState) {
    // Bounded like the escapes: a roadmap has a few hundred topics, odd input cannot grow it.
    if (renderedTopics.size >= 10_000) renderedTopics.clear();
    byState = {};
    renderedTopics.set(topic.id, byState);
  }
  const rendered: RenderedTopic = {
    from: topic,
    line: `${stateEmoji[topic.state]} **${escaped(topic.title)}** · ${levelBadge[topic.level]} ${levelLabel[topic.level]} · \`${topic.id}\`${topic.note ? ` · ${escaped(topic.note)}` : ""}`,
    button:
      topic.action &&
      button(
        { ...topic.action, label: `${topic.action.label}: ${topic.title}` },
        customIdPrefix.run,
        ButtonStyle.Secondary,
      ),
  };
  byState[topic.state] = rendered;
  return rendered;
}

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  flags?: MessageFlags.Ephemeral;
  /** Always empty: nothing a person typed or a roadmap says can ping anyone. */
  allowedMentions: { parse: [] };
  /** The reply's file (and picture) as attachments, sent as multipart; `description` is the alt text. */
  files?: { attachment: Buffer; name: string; description?: string }[];
}

/**
 * The message with its drawn pictures attached and shown Discord's way (`attachment://name`): the
 * first as its last embed's image, each further one as an embed of its own (within Discord's 10
 * embeds), the alt text as each attachment's description. Ephemeral stays ephemeral.
 */
export function withPictures(message: DiscordMessage, pictures: readonly DrawnPicture[]): DiscordMessage {
  const embeds = message.embeds.map((embed) => ({ ...embed }));
  const last = embeds.at(-1);
  if (!last || pictures.length === 0) return message;
  const shown = pictures.slice(0, discordLimits.embeds - embeds.length + 1);
  shown.forEach((picture, index) => {
    const image = { url: `attachment://${picture.name}` };
    if (index === 0) last.image = image;
    else embeds.push({ image });
  });
  return {
    ...message,
    embeds,
    files: [
      ...(message.files ?? []),
      ...shown.map((picture) => ({
        attachment: picture.png,
        name: picture.name,
        description: truncate(picture.alt, discordLimits.attachmentDescription),
      })),
    ],
  };
}

/** A message as the API's JSON, and its files (as multipart, each file's `attachments` entry pointing at it). */
export function wireMessage(message: DiscordMessage): { body: APIInteractionResponseCallbackData; files?: RawFile[] } {
  const body: APIInteractionResponseCallbackData = {
    embeds: message.embeds,
    components: message.components,
    // Nothing a person typed or a roadmap says may ping anyone.
    allowed_mentions: { parse: [] },
  };
  if (message.content !== undefined) body.content = message.content;
  if (message.flags !== undefined) body.flags = message.flags;
  if (!message.files) return { body };
  body.attachments = message.files.map((file, index) => ({
    id: String(index),
    filename: file.name,
    ...(file.description ? { description: file.description } : {}),
  }));
  return { body, files: message.files.map((file) => ({ name: file.name, data: file.attachment })) };
}

type ActionStyle = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success;

function button(target: Button, prefix: string, style: ActionStyle): APIButtonComponent | undefined {
  const customId = `${prefix}${target.command}`;
  if (customId.length > discordLimits.customId) return undefined;
  return {
    type: ComponentType.Button,
    style,
    custom_id: customId,
    label: truncate(target.label, discordLimits.buttonLabel),
  };
}

/** Buttons in rows of five, at most five rows, each custom id once (Discord rejects repeats). */
function rows(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  const seen = new Set<string>();
  const unique = buttons.filter((b) => "custom_id" in b && !seen.has(b.custom_id) && seen.add(b.custom_id));
  const result: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < unique.length && result.length < discordLimits.rows; i += discordLimits.buttonsPerRow) {
    result.push({ type: ComponentType.ActionRow, components: unique.slice(i, i + discordLimits.buttonsPerRow) });
  }
  return result;
}

/** Fields may use at most this share of the 6000 characters a message's embeds can hold. */
const fieldsBudget = 2_500;
const footerBudget = 500;

/**
 * Lays a reply out as embeds inside Discord's limits: fields up to their budget, then description
 * lines over as many embeds as fit, ending with a line saying how much was left out.
 */
function embedsFor(
  title: string | undefined,
  lines: string[],
  allFields: NonNullable<APIEmbed["fields"]>,
  footerText: string | undefined,
  color: number,
): APIEmbed[] {
  const heading = title === undefined ? undefined : truncate(title, discordLimits.embedTitle);
  const footer = footerText === undefined ? undefined : truncate(footerText, footerBudget);
  let fieldChars = 0;
  const fields = allFields.filter((field) => {
    fieldChars += field.name.length + field.value.length;
    return fieldChars <= fieldsBudget;
  });
  const dropped = allFields.length - fields.length;
  let total = (heading?.length ?? 0) + (footer?.length ?? 0) + Math.min(fieldChars, fieldsBudget);
  const notice = (left: number) => `…and ${left} more. Narrow it down with \`search <words>\`.`;
  const embeds: APIEmbed[] = [];
  let current: string[] = dropped > 0 ? [`…and ${dropped} more fields.`] : [];
  let currentLength = current.join("\n").length;
  let left = 0;
  for (const [index, raw] of lines.entries()) {
    const line = truncate(raw, discordLimits.embedDescription);
    // Keep room for the notice line in the last embed and the total across embeds.
    if (total + line.length + 1 > discordLimits.embedsTotal - 80) {
      left = lines.length - index;
      break;
    }
    if (currentLength + line.length + 1 > discordLimits.embedDescription) {
      if (embeds.length + 1 >= discordLimits.embeds) {
        left = lines.length - index;
        break;
      }
      embeds.push({ description: current.join("\n"), color });
      current = [];
      currentLength = 0;
    }
    current.push(line);
    currentLength += line.length + 1;
    total += line.length + 1;
  }
  if (left > 0) current.push(notice(left));
  embeds.push(current.length > 0 ? { description: current.join("\n"), color } : { color });
  const first = embeds[0] as APIEmbed;
  if (heading) first.title = heading;
  if (fields.length > 0) first.fields = fields;
  if (footer) (embeds.at(-1) as APIEmbed).footer = { text: footer };
  return embeds;
}

/**
 * Reply -> a Discord message: an embed (title, lines, fields, footer) plus button rows, ephemeral
 * when private, inside Discord's limits, and never able to mention anyone.
 */
export function toDiscordMessage(reply: Reply): DiscordMessage {
  // A file is a person's own data (an export): only they may see it, whatever the reply says.
  const flags = reply.private || reply.file ? { flags: MessageFlags.Ephemeral as const } : {};
  if (reply.outcome !== "ok") {
    const text = reply.blocks.map((block) => ("text" in block ? block.text : "")).join("\n");
    return {
      content: truncate(text, discordLimits.content),
      embeds: [],
      components: [],
      allowedMentions: { parse: [] },
      ...flags,
    };
  }
  let title: string | undefined;
  const lines: string[] = [];
  const fields: NonNullable<APIEmbed["fields"]> = [];
  const footers: string[] = [];
  const buttons: APIButtonComponent[] = [];
  const topicButtons: APIButtonComponent[] = [];
  for (const block of reply.blocks) {
    switch (block.type) {
      case "header":
        if (title === undefined) title = block.text;
        else lines.push(`**${escaped(block.text)}**`);
        break;
      case "text":
        lines.push(...block.text.split("\n"));
        break;
      case "progress":
        lines.push(progressLine(block));
        break;
      case "topics":
        for (const topic of block.topics) {
          const rendered = renderedTopic(topic);
          lines.push(rendered.line);
          if (rendered.button) topicButtons.push(rendered.button);
        }
        break;
      case "fields":
        for (const field of block.fields.slice(0, discordLimits.fields - fields.length)) {
          fields.push({
            name: truncate(field.label, discordLimits.fieldName),
            value: truncate(field.value, discordLimits.fieldValue),
            inline: true,
          });
        }
        break;
      case "context":
        footers.push(block.text.replaceAll("`", ""));
        break;
      case "actions":
        for (const target of block.buttons) {
          const made = button(
            target,
            customIdPrefix.run,
            target.style === "primary" ? ButtonStyle.Primary : ButtonStyle.Secondary,
          );
          if (made) buttons.push(made);
        }
        break;
    }
  }
  if (reply.private && reply.share) {
    const share = button({ label: "Share", command: reply.share }, customIdPrefix.share, ButtonStyle.Success);
    if (share) buttons.push(share);
  }
  return {
    embeds: embedsFor(title, lines, fields, footers.join(" · ") || undefined, colors.ok),
    components: rows([...buttons, ...topicButtons]),
    allowedMentions: { parse: [] },
    ...flags,
    ...(reply.file ? { files: [{ attachment: Buffer.from(reply.file.content, "utf8"), name: reply.file.name }] } : {}),
  };
}
