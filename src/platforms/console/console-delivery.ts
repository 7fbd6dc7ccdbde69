import type { Writable } from "node:stream";
import type { ChannelTarget, Delivery, OutgoingPost, PersonTarget } from "../../schedule/delivery.ts";
import { renderText } from "./render-text.ts";

/**
 * Daily posts and reminders for the terminal chat: they are printed where the person is typing,
 * so `daily on` in `npm start` shows the real thing with no platform set up.
 */
export class ConsoleDelivery implements Delivery {
  readonly platform = "console";
  private sent = 0;

  constructor(private readonly output: Writable) {}

  async postToChannel(target: ChannelTarget, post: OutgoingPost): Promise<string> {
    return this.print(`[daily post to #${target.channelId}]`, post);
  }

  async sendDirect(target: PersonTarget, post: OutgoingPost): Promise<string> {
    return this.print(`[direct message to ${target.userId}]`, post);
  }

  private print(heading: string, post: OutgoingPost): string {
    this.output.write(`\n${heading}\n${renderText(post.reply)}\n`);
    this.sent++;
    return `console-${this.sent}`;
  }
}
