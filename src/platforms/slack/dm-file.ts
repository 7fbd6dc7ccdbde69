import type { WebClient } from "@slack/web-api";
import type { Logger } from "../../logger.ts";
import { slackUserId } from "./slack-ids.ts";

/** What sending a file needs of a Web API client: conversations.open (im:write) and the upload (files:write). */
export type FileUploadClient = Pick<WebClient, "conversations" | "filesUploadV2">;

export type FileHandover =
  | { sent: true; channel: string }
  /** `code` is Slack's error code ("missing_scope"); `needed` the scope Slack named, when it did. */
  | { sent: false; code: string; needed?: string };

/** A file to hand over: a reply's document, or a drawn picture. */
export interface DmFile {
  name: string;
  data: Buffer;
}

/**
 * Uploads a file (a reply's document, a picture) into the person's direct message with the bot, the one place on Slack
 * that is theirs alone: a slash command's response_url can carry text but no file. Never throws;
 * a failure comes back as Slack's code so the answer can say what to fix.
 */
export async function sendFileToDm(
  client: FileUploadClient,
  userId: string,
  file: DmFile,
  logger: Logger,
): Promise<FileHandover> {
  try {
    const opened = await client.conversations.open({ users: slackUserId(userId) });
    const channel = opened.channel?.id;
    if (!channel) return { sent: false, code: "no_dm_channel" };
    await client.filesUploadV2({
      channel_id: channel,
      file: file.data,
      filename: file.name,
      title: file.name,
    });
    return { sent: true, channel };
  } catch (error) {
    const failure = failureOf(error);
    logger.warn({ err: error, userId, ...failure }, "sending a file to a Slack DM failed");
    return { sent: false, ...failure };
  }
}

function failureOf(error: unknown): { code: string; needed?: string } {
  const data = (error as { data?: { error?: unknown; needed?: unknown } } | undefined)?.data;
  const code = typeof data?.error === "string" ? data.error : "upload_failed";
  return typeof data?.needed === "string" && data.needed !== "" ? { code, needed: data.needed } : { code };
}
