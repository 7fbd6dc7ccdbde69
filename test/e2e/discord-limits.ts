import type { DiscordMessage } from "../../src/platforms/discord/messages.ts";

/** Discord's documented limits on a message; what Discord itself rejects. */
export function discordViolations(message: Pick<DiscordMessage, "content" | "embeds" | "components">): string[] {
  const problems: string[] = [];
  if ((message.content?.length ?? 0) > 2000) problems.push(`content ${message.content?.length}`);
  if (message.embeds.length > 10) problems.push(`${message.embeds.length} embeds`);
  let total = 0;
  for (const embed of message.embeds) {
    if ((embed.title?.length ?? 0) > 256) problems.push(`title ${embed.title?.length}`);
    if ((embed.description?.length ?? 0) > 4096) problems.push(`description ${embed.description?.length}`);
    if ((embed.fields?.length ?? 0) > 25) problems.push(`${embed.fields?.length} fields`);
    for (const field of embed.fields ?? []) {
      if (field.name.length > 256 || field.value.length > 1024 || field.value.length === 0)
        problems.push(`field ${field.name}`);
    }
    if ((embed.footer?.text.length ?? 0) > 2048) problems.push(`footer ${embed.footer?.text.length}`);
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    total += (embed.fields ?? []).reduce((n, field) => n + field.name.length + field.value.length, 0);
  }
  if (total > 6000) problems.push(`embeds total ${total}`);
  if (message.components.length > 5) problems.push(`${message.components.length} rows`);
  const ids = new Set<string>();
  for (const row of message.components) {
    if (row.components.length > 5) problems.push(`${row.components.length} buttons in a row`);
    for (const button of row.components) {
      if ("custom_id" in button) {
        if (button.custom_id.length > 100) problems.push(`custom_id ${button.custom_id.length}`);
        if (ids.has(button.custom_id)) problems.push(`custom_id ${button.custom_id} twice`);
        ids.add(button.custom_id);
      }
      const label = "label" in button ? (button.label ?? "") : "";
      if (label.length > 80) problems.push(`label ${label.length}`);
    }
  }
  return problems;
}
