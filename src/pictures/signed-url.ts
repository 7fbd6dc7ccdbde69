import { createHmac, timingSafeEqual } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { fromLinkPayload, type RoadmapByTitle, toLinkPayload } from "./link-payload.ts";
import { type PictureView, pictureViewSchema } from "./views.ts";

/** The longest payload a link carries without deflating it, in bytes of JSON. */
const uncompressedUpTo = 600;

/** The JSON text a link's payload carries (the bench reads it too, to check whose map a link shows). */
export const payloadJson = (payload: string): string =>
  payload.startsWith("~")
    ? Buffer.from(payload.slice(1), "base64url").toString()
    : inflateRawSync(Buffer.from(payload, "base64url")).toString();

/** How long a picture's link works: a day, long enough for Slack to fetch and show it again. */
export const pictureLinkLifetimeMs = 24 * 3_600_000;

/**
 * Pictures behind links (Slack's image blocks need a URL it can fetch). The link carries the view
 * itself (compressed when long), with its expiry and an HMAC of both: any replica can draw it again without
 * a shared store, nothing needs cleaning up, and a link that was altered or has expired is
 * refused. Slack keeps URLs up to 3,000 characters; a full progress map's link is about 1,200
 * characters, about 600 when it leaves out its roadmap's stage titles (link-payload.ts).
 */
export class PictureLinks {
  private readonly key: Buffer;

  constructor(
    /** The bot's public base URL (PUBLIC_URL). */
    private readonly publicUrl: string,
    /** A secret of the app's; the links' key is derived from it, so no new secret is needed. */
    secret: string,
    /** The bot's roadmaps: a progress map's link then leaves out what its roadmap says (link-payload.ts). */
    private readonly roadmapOf?: RoadmapByTitle,
    /** Told each view a link is made for: the bot starts drawing it before Slack asks (PictureRenderer.prefetch). */
    private readonly onLink?: (view: PictureView) => void,
  ) {
    this.key = createHmac("sha256", secret).update("roadmap-bot picture links").digest();
  }

  /** The link to a view's picture, working until `now` plus a day. */
  link(view: PictureView, now: Date): string {
    this.onLink?.(view);
    const json = Buffer.from(JSON.stringify(toLinkPayload(view, this.roadmapOf)));
    // A short payload travels as it is (marked "~"): deflating costs at least 30 µs of zlib set-up,
    // more than it saves on a few hundred bytes. A long one is deflated, to stay a short URL.
    const payload =
      json.length <= uncompressedUpTo ? `~${json.toString("base64url")}` : deflateRawSync(json).toString("base64url");
    const expires = Math.floor((now.getTime() + pictureLinkLifetimeMs) / 1000).toString(36);
    return `${this.publicUrl.replace(/\/+$/, "")}/images/${payload}.${expires}.${this.sign(payload, expires)}.png`;
  }

  /** The view behind a request path (`/images/….png`), or undefined when it is not one of ours, altered or expired. */
  open(path: string, now: Date): PictureView | undefined {
    const match = /^\/images\/(~?[A-Za-z0-9_-]+)\.([0-9a-z]+)\.([A-Za-z0-9_-]+)\.png$/.exec(path);
    if (!match) return undefined;
    const [, payload = "", expires = "", signature = ""] = match;
    const expected = Buffer.from(this.sign(payload, expires));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (Number.parseInt(expires, 36) * 1000 < now.getTime()) return undefined;
    try {
      const parsed = pictureViewSchema().safeParse(fromLinkPayload(JSON.parse(payloadJson(payload)), this.roadmapOf));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(payload: string, expires: string): string {
    return createHmac("sha256", this.key).update(`${payload}.${expires}`).digest("base64url").slice(0, 32);
  }
}
