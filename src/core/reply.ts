import type { Level } from "../content/schema.ts";
import type { PictureView } from "../pictures/views.ts";
import type { TopicState } from "../progress/model.ts";

/**
 * The neutral reply every platform renders. Text is plain except for `code` spans around commands;
 * renderers escape everything else, so nothing here is platform markup.
 */
export interface TopicLine {
  id: string;
  title: string;
  level: Level;
  state: TopicState;
  /** Extra context shown after the title, e.g. "Stage 17". */
  note?: string;
  /** One-click action for this topic (Done, or Undo once done), where the platform can show it. */
  action?: Button;
}

/** A button is the command it stands for, run as whoever clicks it. */
export interface Button {
  label: string;
  command: string;
  style?: "primary";
}

export type Block =
  | { type: "header"; text: string }
  | { type: "text"; text: string }
  | { type: "progress"; label: string; done: number; total: number }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "topics"; topics: TopicLine[] }
  | { type: "context"; text: string }
  | { type: "actions"; buttons: Button[] };

export type Outcome = "ok" | "user-error" | "internal-error";

export interface Reply {
  blocks: Block[];
  /** Shown only to the person who asked (ephemeral) rather than to the whole channel. */
  private: boolean;
  outcome: Outcome;
  /**
   * Set on private answers worth showing to everyone (a stage, a topic, a search): the command
   * that produces it, which a "Share in channel" button runs again for the channel.
   */
  share?: string;
  /**
   * A document handed over as a file (`export`): platforms attach it, privately, next to the
   * blocks; the console prints it. The blocks must still make sense where a file cannot go.
   */
  file?: ReplyFile;
  /**
   * Pictures of the same answer (a progress map, a leaderboard card; a weekly recap has two):
   * platforms that can show them draw them next to the blocks, in order, never instead of them;
   * the blocks stand alone without them.
   */
  pictures?: readonly ReplyPicture[];
}

export interface ReplyPicture {
  /** File name ("progress.png"). */
  name: string;
  view: PictureView;
  /** The picture in words (altText of the view). */
  alt: string;
}

export interface ReplyFile {
  /** File name with extension ("roadmap-bot-export.json"). */
  name: string;
  /** UTF-8 text. */
  content: string;
}

export const reply = (
  blocks: Block[],
  options: { private?: boolean; share?: string; file?: ReplyFile; pictures?: readonly ReplyPicture[] } = {},
): Reply => ({
  blocks,
  private: options.private ?? true,
  outcome: "ok",
  ...(options.share ? { share: options.share } : {}),
  ...(options.file ? { file: options.file } : {}),
  ...(options.pictures?.length ? { pictures: options.pictures } : {}),
});

export const errorReply = (message: string, hint: string | undefined, outcome: Exclude<Outcome, "ok">): Reply => ({
  blocks: [{ type: "text", text: hint ? `${message} ${hint}` : message }],
  private: true,
  outcome,
});

/**
 * What "Share" posts for everyone: the same answer, public, but never its file, which is one
 * person's own data.
 */
export function sharedVersion({ file: _personal, ...answer }: Reply): Reply {
  return { ...answer, private: false };
}
