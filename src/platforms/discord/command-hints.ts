import type { Block, Reply } from "../../core/reply.ts";
import { slashCommandOf } from "./command-data.ts";

/** A code span on one line: where the core names something to type. */
const codeSpan = /`([^`\n]+)`/g;

/** Spells a reply's hints the Discord way; the identity where there is nothing to spell. */
export type HintSpelling = (reply: Reply) => Reply;

/**
 * Hints as they are typed on Discord. The core names commands by their words (`daily on`,
 * `stage 17`); on Discord they sit under a slash command, and not all under the same one, so each
 * code span that starts with a command's name gets its slash command in front
 * (`/roadmap-setup daily on`, `/roadmap stage 17`). Other spans (a topic id, another roadmap's id
 * first, `/roadmap help` already spelled out) stay as they are.
 */
export function commandHints(commandNames: Iterable<string>): HintSpelling {
  const names = new Set(commandNames);
  const spell = (text: string): string =>
    text.includes("`")
      ? text.replace(codeSpan, (span, inner: string) => {
          const word = inner.split(" ", 1)[0] ?? "";
          return names.has(word) ? `\`${slashCommandOf(word)} ${inner}\`` : span;
        })
      : text;
  // Unchanged blocks and replies are given back as they are: most answers name no command.
  const block = (block: Block): Block => {
    if (block.type === "text" || block.type === "context") {
      const text = spell(block.text);
      return text === block.text ? block : { ...block, text };
    }
    if (block.type !== "fields") return block;
    const fields = block.fields.map((field) => {
      const value = spell(field.value);
      return value === field.value ? field : { ...field, value };
    });
    return fields.every((field, index) => field === block.fields[index]) ? block : { ...block, fields };
  };
  return (reply) => {
    const blocks = reply.blocks.map(block);
    return blocks.every((spelled, index) => spelled === reply.blocks[index]) ? reply : { ...reply, blocks };
  };
}
