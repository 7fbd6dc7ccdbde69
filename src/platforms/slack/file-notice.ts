import type { KnownBlock } from "@slack/types";
import type { ReplyFile } from "../../core/reply.ts";
import { type SlackMessage, slackLimits } from "./blocks.ts";
import type { FileHandover } from "./dm-file.ts";
import { escapeMrkdwn } from "./mrkdwn.ts";

/**
 * Up to this many characters (escaped) a file that could not be sent is shown in the answer
 * instead, inside one section of at most 3,000 with the fence around it.
 */
export const inlineFileLimit = 2_500;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });

/** Why a file (an export, a picture) did not reach the person's DM, and what fixes it. */
export function fileFailureText(fileName: string, handover: Extract<FileHandover, { sent: false }>): string {
  const name = `*${escapeMrkdwn(fileName)}*`;
  if (handover.code === "missing_scope") {
    const scope = handover.needed ? `the \`${escapeMrkdwn(handover.needed)}\` permission` : "a permission";
    return `:warning: I could not send you ${name} as a file: this Slack app lacks ${scope}. To fix it, a workspace admin adds the \`files:write\` and \`im:write\` bot scopes (deploy/slack-app-manifest.yaml lists every scope) and reinstalls the app.`;
  }
  return `:warning: I could not send you ${name} as a file (Slack said \`${escapeMrkdwn(handover.code)}\`). Please try again in a minute.`;
}

/** A triple backtick inside the content would end the code block early; a zero-width space keeps it whole. */
const fenced = (escaped: string): string => `\`\`\`\n${escaped.replaceAll("```", "`\u200b``")}\n\`\`\``;

/**
 * The ephemeral answer to a reply that carried a file: its own blocks, then where the file went,
 * or why it could not go and, when short enough, the content itself so nothing is lost. The
 * answer is private whatever the reply said: the file is one person's own data.
 */
export function withFileNotice(message: SlackMessage, file: ReplyFile, handover: FileHandover): SlackMessage {
  const notice: KnownBlock[] = [];
  if (handover.sent) {
    notice.push(
      section(
        `:page_facing_up: I sent you *${escapeMrkdwn(file.name)}* as a file in a direct message from this app (its Messages tab). Only you can see it.`,
      ),
    );
  } else {
    notice.push(section(fileFailureText(file.name, handover)));
    const escaped = escapeMrkdwn(file.content);
    const inline = `Here it is instead:\n${fenced(escaped)}`;
    notice.push(
      escaped.length <= inlineFileLimit && inline.length <= slackLimits.sectionText
        ? section(inline)
        : section(`It is too long to show here (${file.content.length.toLocaleString("en-US")} characters).`),
    );
  }
  return { ...message, response_type: "ephemeral", blocks: [...message.blocks, ...notice] };
}
