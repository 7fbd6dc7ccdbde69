import { createHash } from "node:crypto";
import type { KnownBlock } from "@slack/types";
import type { Who } from "../../core/command.ts";
import type { Reply } from "../../core/reply.ts";
import type { Logger } from "../../logger.ts";
import type { PictureLinks } from "../../pictures/signed-url.ts";
import { rememberRecent } from "../../recent-map.ts";
import { MessageRefresher } from "../message-refresher.ts";
import { toSlackMessage } from "./blocks.ts";
import { withPictureLinks } from "./picture-blocks.ts";
import { slackUserId } from "./slack-ids.ts";

/** The Web API calls the Home tab and its modals make. */
export interface ViewsClient {
  views: {
    publish(arguments_: { user_id: string; view: HomeView; hash?: string }): Promise<{ view?: { hash?: string } }>;
    open(arguments_: { trigger_id: string; view: ModalView }): Promise<unknown>;
    update(arguments_: { view_id: string; view: ModalView; hash?: string }): Promise<unknown>;
  };
}

export interface HomeView {
  type: "home";
  blocks: KnownBlock[];
}

export interface ModalView {
  type: "modal";
  title: { type: "plain_text"; text: string };
  close: { type: "plain_text"; text: string };
  blocks: KnownBlock[];
}

export interface AppHomeOptions {
  /** Builds a person's dashboard (Core.home); undefined when it could not be read. */
  dashboard(who: Who): Promise<Reply | undefined>;
  logger: Logger;
  /** Signed links for the progress map (PUBLIC_URL); without them the Home tab has no picture. */
  pictureLinks?: PictureLinks;
  clock?: () => Date;
  /** How long after a change the Home tab is published again, once for all the changes of that moment. */
  debounceMs?: number;
  /** How many people's last published view to remember, to skip publishing an unchanged one. */
  remembered?: number;
}

/** Block Kit's limit for a Home tab or a modal. */
const viewBlocks = 100;

/**
 * An unchanged dashboard is published again after this long anyway: its picture's signed link
 * works for a day, and Slack may fetch it again whenever the tab is shown.
 */
const republishAfterMs = 12 * 3_600_000;

/**
 * Slack's App Home: each person's dashboard, published with views.publish when they open the tab
 * and again a little after each change they make (debounced, so ten quick Done clicks publish
 * once). A view identical to the last one published for them is not sent again. A failure to
 * publish is logged and never reaches the command that caused it. Buttons on the dashboard open
 * their answer in a modal, since a Home tab has no conversation to answer in.
 */
export class AppHome {
  private readonly debouncer: MessageRefresher;
  /** userId → what was last published (a hash of the dashboard), when, and Slack's hash of that view; oldest first. */
  private readonly published = new Map<string, Published>();

  constructor(private readonly options: AppHomeOptions) {
    this.debouncer = new MessageRefresher(options.logger, options.debounceMs ?? 2_000);
  }

  /** The person opened the Home tab: publish now (unless it is what they already have). */
  opened(client: ViewsClient, who: Who): Promise<void> {
    return this.publish(client, who);
  }

  /** The person changed something: publish again shortly, once for every change of that moment. */
  changed(client: ViewsClient, who: Who): void {
    this.debouncer.schedule(`${who.teamId ?? ""}/${who.userId}`, () => this.publish(client, who));
  }

  /** Publishes what is waiting (at shutdown). */
  flush(): Promise<void> {
    return this.debouncer.flush();
  }

  /** A command's answer as a modal: what a button on the dashboard (or in one of its modals) shows. */
  modal(answer: Reply): ModalView {
    return {
      type: "modal",
      title: { type: "plain_text", text: "roadmap-bot" },
      close: { type: "plain_text", text: "Close" },
      blocks: this.blocksOf(answer, this.now()),
    };
  }

  private now(): Date {
    return (this.options.clock ?? (() => new Date()))();
  }

  private async publish(client: ViewsClient, who: Who): Promise<void> {
    const dashboard = await this.options.dashboard(who);
    if (!dashboard) return;
    const now = this.now();
    // The dashboard, not its blocks: those carry picture links that change every second.
    const hash = createHash("sha256").update(JSON.stringify(dashboard)).digest("base64url");
    const last = this.published.get(who.userId);
    if (last?.dashboard === hash && now.getTime() - last.at < republishAfterMs) return;
    try {
      const view: HomeView = { type: "home", blocks: this.blocksOf(dashboard, now) };
      let answer: { view?: { hash?: string } };
      try {
        answer = await client.views.publish({
          user_id: slackUserId(who.userId),
          view,
          ...(last?.slack ? { hash: last.slack } : {}),
        });
      } catch (error) {
        // Another process published since: this view was read after that, so it may replace it.
        if (codeOf(error) !== "hash_conflict") throw error;
        answer = await client.views.publish({ user_id: slackUserId(who.userId), view });
      }
      this.remember(who.userId, {
        dashboard: hash,
        at: now.getTime(),
        ...(answer.view?.hash ? { slack: answer.view.hash } : {}),
      });
    } catch (error) {
      this.options.logger.warn(
        { err: error, userId: who.userId, code: codeOf(error) },
        "could not publish the App Home tab; it is published again when the person opens it",
      );
    }
  }

  private blocksOf(reply: Reply, now: Date): KnownBlock[] {
    const { pictureLinks } = this.options;
    const message = toSlackMessage({ ...reply, private: true });
    const shown =
      pictureLinks && reply.pictures?.length ? withPictureLinks(message, reply.pictures, pictureLinks, now) : message;
    return shown.blocks.slice(0, viewBlocks);
  }

  private remember(userId: string, entry: Published): void {
    rememberRecent(this.published, userId, entry, this.options.remembered ?? 10_000);
  }
}

interface Published {
  dashboard: string;
  at: number;
  slack?: string;
}

const codeOf = (error: unknown): unknown => (error as { data?: { error?: unknown } } | undefined)?.data?.error;
