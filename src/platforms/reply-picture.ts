import type { Reply } from "../core/reply.ts";
import type { Logger } from "../logger.ts";
import type { Picture } from "../pictures/picture-renderer.ts";
import type { PictureView } from "../pictures/views.ts";

/** What draws pictures for a platform (PictureRenderer; tests may give another). */
export interface PictureSource {
  render(view: PictureView): Promise<Picture>;
}

/** A reply's picture, drawn: the file name, the PNG and its alt text. */
export interface DrawnPicture {
  name: string;
  png: Buffer;
  alt: string;
}

/**
 * Draws a reply's picture, if it has one and the platform has a renderer. Never throws: a picture
 * that cannot be drawn is logged and left out, and the text answer goes alone, as it must be
 * able to.
 */
export async function drawReplyPicture(
  reply: Reply,
  pictures: PictureSource | undefined,
  logger: Logger,
): Promise<DrawnPicture | undefined> {
  if (!reply.picture || !pictures || reply.outcome !== "ok") return undefined;
  try {
    const { png } = await pictures.render(reply.picture.view);
    return { name: reply.picture.name, png, alt: reply.picture.alt };
  } catch (error) {
    logger.warn({ err: error, picture: reply.picture.view.kind }, "could not draw a picture; answering with text only");
    return undefined;
  }
}
