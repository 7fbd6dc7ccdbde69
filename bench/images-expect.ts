/**
 * What bench/images.ts's generator checks answers against, and the checks: a `stage 17` or a
 * text-only `progress` must be the exact body the core makes; a `progress` with a picture must be
 * that body plus one image block linking to the bot's /images route with that person's map; and
 * what the link serves must be a 1200x675 PNG.
 */
import { payloadJson } from "../src/pictures/signed-url.ts";
import type { HttpReply } from "./keep-alive-client.ts";
import { unlike } from "./slack-command.ts";

/** A person and the exact answer body they must get (`done`: topics done, as their map must show). */
export interface Expected {
  userId: string;
  teamId?: string;
  body: string;
  done?: number;
}

export interface Fixtures {
  /** Where the bot listens (http://127.0.0.1:port), and the app's signing secret. */
  botUrl: string;
  secret: string;
  /** The bot's PUBLIC_URL: picture links start with it, and the generator fetches their path from botUrl. */
  publicUrl: string;
  stage: Expected[];
  /** Blocks only: the bot adds the image block after them. */
  pool: Expected[];
  off: Expected[];
}

/** A picture link's path, and its view part (the view compressed: the same view, the same picture). */
export interface PictureLink {
  path: string;
  view: string;
}

export const pictureSize = { width: 1200, height: 675 };
const json = "application/json";
const pngSignature = "\x89PNG\r\n\x1a\n";
const linkPath = /^\/images\/(~?[A-Za-z0-9_-]+)\.[0-9a-z]+\.[A-Za-z0-9_-]+\.png$/;

/** Why a `progress` from a team with pictures off is not its text-only answer, or undefined when it is. */
export function textOnlyProblem(reply: HttpReply, expected: string): string | undefined {
  if (!("failed" in reply) && reply.body.includes('"type":"image"'))
    return "an image block in a team with pictures off";
  return exactProblem(reply, expected);
}

/** Why an answer is not `expected` byte for byte as application/json, or undefined when it is. */
export function exactProblem(reply: HttpReply, expected: string): string | undefined {
  if ("failed" in reply) return reply.failed;
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
  if (!reply.type.startsWith(json)) return `content type "${reply.type}", expected "${json}"`;
  return reply.body === expected ? undefined : unlike(expected, reply.body);
}

interface Block {
  type?: unknown;
  image_url?: unknown;
  alt_text?: unknown;
}

/**
 * The link in a picture answer, or why the answer is wrong: it must be the person's text answer
 * plus exactly one image block, whose link is ours and carries this person's map.
 */
export function pictureAnswer(reply: HttpReply, person: Expected, publicUrl: string): PictureLink | string {
  if ("failed" in reply) return reply.failed;
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
  if (!reply.type.startsWith(json)) return `content type "${reply.type}", expected "${json}"`;
  let message: { blocks?: Block[] };
  try {
    message = JSON.parse(reply.body) as { blocks?: Block[] };
  } catch {
    return `not JSON: ${JSON.stringify(reply.body.slice(0, 200))}`;
  }
  const images = (message.blocks ?? []).filter((block) => block.type === "image");
  const [image] = images;
  if (images.length !== 1 || !image) return `${images.length} image blocks, expected 1`;
  const text = JSON.stringify({ ...message, blocks: message.blocks?.filter((block) => block !== image) });
  if (text !== person.body) return unlike(person.body, text);
  const url = typeof image.image_url === "string" ? image.image_url : "";
  const path = url.startsWith(`${publicUrl}/images/`) ? url.slice(publicUrl.length) : "";
  const view = linkPath.exec(path)?.[1];
  if (!view) return `image_url ${JSON.stringify(url.slice(0, 120))} is not a picture link under ${publicUrl}`;
  if (typeof image.alt_text !== "string" || image.alt_text === "") return "the image block has no alt text";
  let shown: Record<string, unknown>;
  try {
    shown = JSON.parse(payloadJson(view)) as Record<string, unknown>;
  } catch {
    return `the link's view does not open: ${view.slice(0, 80)}`;
  }
  const name = person.userId.toLowerCase();
  if (shown.kind !== "progress-map" || shown.subject !== name || shown.done !== person.done)
    return `the link shows ${shown.kind} of ${shown.subject} with ${shown.done} done, expected ${name}'s map with ${person.done}`;
  return { path, view };
}

/** Why what a picture link served is not a 1200x675 PNG, or undefined when it is. */
export function pngProblem(reply: HttpReply): string | undefined {
  if ("failed" in reply) return reply.failed;
  if (reply.status !== 200) return `HTTP ${reply.status}: ${reply.body.slice(0, 200)}`;
  if (reply.type !== "image/png") return `content type "${reply.type}", expected "image/png"`;
  // The body came as latin1: one character a byte.
  const head = Buffer.from(reply.body.slice(0, 24), "latin1");
  if (!reply.body.startsWith(pngSignature) || head.toString("latin1", 12, 16) !== "IHDR") return "not a PNG";
  const size = { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  if (size.width !== pictureSize.width || size.height !== pictureSize.height)
    return `a ${size.width}x${size.height} PNG, expected ${pictureSize.width}x${pictureSize.height}`;
  return undefined;
}
