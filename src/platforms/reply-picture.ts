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
 * Draws a reply's pictures, in order, where the platform has a renderer. Never throws: a picture
 * that cannot be drawn is logged and left out, and the text answer goes without it, as it must be
 * able to.
 */
export async function drawReplyPictures(
  reply: Reply,
  pictures: PictureSource | undefined,
  logger: Logger,
): Promise<DrawnPicture[]> {
  if (!reply.pictures || !pictures || reply.outcome !== "ok") return [];
  const drawn = await Promise.all(
    reply.pictures.map(async (picture) => {
      try {
        const { png } = await pictures.render(picture.view);
        return { name: picture.name, png, alt: picture.alt };
      } catch (error) {
        logger.warn({ err: error, picture: picture.view.kind }, "could not draw a picture; answering without it");
        return undefined;
      }
    }),
  );
  return drawn.filter((picture) => picture !== undefined);
}
