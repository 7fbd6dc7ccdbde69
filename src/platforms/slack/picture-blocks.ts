import type { KnownBlock } from "@slack/types";
import type { ReplyPicture } from "../../core/reply.ts";
import { truncate } from "../../core/text.ts";
import type { PictureLinks } from "../../pictures/signed-url.ts";
import { actionIds, type SlackMessage, slackLimits, withBlockAppended } from "./blocks.ts";

/** Block Kit's limit on an image block's alt text. */
const altTextLimit = 2_000;

const withBlock = (message: SlackMessage, block: KnownBlock): SlackMessage =>
  // A message at its block budget keeps its text blocks; the picture is the one left out.
  message.blocks.length >= slackLimits.blocks ? message : withBlockAppended(message, block);

/**
 * Each picture as an image block under the answer, its URL a signed link to this bot's own
 * /images route (PUBLIC_URL): Slack fetches it from there, and the answer stays as private as
 * it was (an ephemeral answer's image is seen by its one reader).
 */
export function withPictureLinks(
  message: SlackMessage,
  pictures: readonly ReplyPicture[],
  links: PictureLinks,
  now: Date,
): SlackMessage {
  return pictures.reduce(
    (shown, picture) =>
      withBlock(shown, {
        type: "image",
        image_url: links.link(picture.view, now),
        alt_text: truncate(picture.alt, altTextLimit),
      }),
    message,
  );
}

/**
 * Without a public URL Slack cannot fetch a picture, and a slash command's answer cannot carry a
 * file: a Picture button then runs the command again and sends its picture to the person's DM.
 */
export function withPictureButton(message: SlackMessage, command: string): SlackMessage {
  if (command.length > slackLimits.buttonValue) return message;
  return withBlock(message, {
    type: "actions",
    elements: [
      {
        type: "button",
        action_id: actionIds.picture,
        text: { type: "plain_text", text: "Picture", emoji: true },
        value: command,
      },
    ],
  });
}
