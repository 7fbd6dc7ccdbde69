import type { RequestListener } from "node:http";
import { App, type RespondArguments, SocketModeReceiver } from "@slack/bolt";
import type { Logger as PinoLogger } from "pino";
import type { SlackConfig } from "../../config.ts";
import type { Who } from "../../core/command.ts";
import type { Core } from "../../core/core.ts";
import { errorReply, type Reply, sharedVersion } from "../../core/reply.ts";
import type { PictureLinks } from "../../pictures/signed-url.ts";
import type { Store } from "../../store/store.ts";
import { MessageRefresher } from "../message-refresher.ts";
import { drawReplyPictures, type PictureSource } from "../reply-picture.ts";
import { within } from "../within.ts";
import { AppHome, type ViewsClient } from "./app-home.ts";
import { actionIds, anyButton, type SlackMessage, toSlackMessage } from "./blocks.ts";
import { boltLogger } from "./bolt-logger.ts";
import { slackChannelAccess } from "./channel-access.ts";
import { slackChannelManagers, type UsersInfoClient } from "./channel-managers.ts";
import { type FileUploadClient, sendFileToDm } from "./dm-file.ts";
import { fileFailureText, withFileNotice } from "./file-notice.ts";
import { SlackHttpReceiver } from "./http-receiver.ts";
import { unescapeMrkdwn } from "./mrkdwn.ts";
import { withPictureButton, withPictureLinks } from "./picture-blocks.ts";
import { SlackDelivery } from "./slack-delivery.ts";
import { qualifiedUserId } from "./slack-ids.ts";
import { SlackOAuth } from "./slack-oauth.ts";
import { SlackPeople } from "./slack-people.ts";
import { whoFromAction, whoFromCommand } from "./who.ts";

export interface SlackAdapterOptions {
  core: Core;
  config: SlackConfig;
  logger: PinoLogger;
  /**
   * How long a slash command may take before the bot acknowledges and answers later through
   * response_url. Slack gives up at 3 s; answering inside the acknowledgement is cheaper.
   */
  deferAfterMs?: number;
  /** How long after a click that changes the message it sits on (a quiz's count) the message is edited. */
  refreshAfterMs?: number;
  /** Draws replies' pictures; without it answers are text only. */
  pictures?: PictureSource;
  /** Signed links to pictures on this bot's /images route (PUBLIC_URL); without them a Picture button sends them by DM. */
  pictureLinks?: PictureLinks;
  /** What links' expiry is counted from (tests step it); the system clock by default. */
  clock?: () => Date;
  /** How long after a change a person's Home tab is published again (default 2 s). */
  homeDebounceMs?: number;
  /** Where installations to many workspaces are kept: the bot's own store. */
  store?: Store;
  /** PUBLIC_URL: the install flow sends people back to PUBLIC_URL/slack/oauth_redirect. */
  publicUrl?: string;
}

/** Web API retries: a few quick ones, not Bolt's default of about 30 minutes. */
const retryConfig = { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 2_000 };

/** The one Web API call a refreshed message needs. */
interface MessageUpdateClient {
  chat: { update(arguments_: { channel: string; ts: string } & SlackMessage): Promise<unknown> };
}

/**
 * The Web API calls a handler may make: users.info for channel managers, DM and upload for files,
 * chat.update for a message a click changed.
 */
type HandlerClient = UsersInfoClient & FileUploadClient & MessageUpdateClient & ViewsClient;

/**
 * Commands after which a person's dashboard may read differently: marks, reviews and quiz
 * answers, privacy, reminders (their zone moves the streak), team settings, forget-me. Others only
 * look, and cost the Home tab nothing.
 */
const changesDashboard = /^(done|start|skip|undo|review|quiz|privacy|remind|team|forget-me)\b/i;

/** Where a click came from when it was not a message: the Home tab, or a modal it opened. */
interface ViewContainer {
  container?: { type?: string; view_id?: string };
  view?: { id?: string; type?: string };
  trigger_id?: string;
}

const invalidButton: RespondArguments = {
  response_type: "ephemeral",
  replace_original: false,
  text: "That button is not one of mine, or it is out of date. Type `/roadmap help` to start again.",
};

/**
 * Slack through Bolt: `/roadmap <text>` and the reply buttons, in HTTP mode (Slack calls
 * POST /slack/events on our HTTP server) or Socket Mode (the bot dials out). Turns payloads into
 * core requests and Replies into Block Kit; knows nothing of commands itself.
 */
export class SlackAdapter {
  readonly app: App;
  private readonly receiver: SlackHttpReceiver | SocketModeReceiver;
  private readonly deferAfterMs: number;
  private readonly refresher: MessageRefresher;
  private scheduled: SlackDelivery | undefined;
  private readonly home: AppHome;
  private readonly people: SlackPeople;
  /** Installs to many workspaces (SLACK_CLIENT_ID…): the install flow and each workspace's tokens. */
  private readonly oauth: SlackOAuth | undefined;

  constructor(private readonly options: SlackAdapterOptions) {
    const { config, logger } = options;
    this.deferAfterMs = options.deferAfterMs ?? 2_000;
    this.refresher = new MessageRefresher(logger, options.refreshAfterMs);
    this.people = new SlackPeople({ logger });
    this.home = new AppHome({
      dashboard: (who) => options.core.home(who),
      logger,
      ...(options.pictureLinks ? { pictureLinks: options.pictureLinks } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.homeDebounceMs !== undefined ? { debounceMs: options.homeDebounceMs } : {}),
    });
    const clientOptions = { slackApiUrl: config.apiUrl, retryConfig };
    const slackLogger = boltLogger(logger);
    if (config.mode === "oauth") {
      if (!options.store)
        throw new Error("Installing to many Slack workspaces needs the bot's store for the installations");
      this.oauth = new SlackOAuth({
        config,
        store: options.store,
        logger,
        slackLogger,
        ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
        onInstalled: (teamId) => options.core.teamRestored("slack", teamId),
      });
    }
    const oauth = this.oauth;
    this.receiver =
      config.mode === "socket"
        ? new SocketModeReceiver({
            appToken: config.appToken,
            logger: slackLogger,
            installerOptions: { clientOptions },
          })
        : new SlackHttpReceiver({ signingSecret: config.signingSecret, logger: slackLogger });
    this.app = new App({
      // One workspace: its token. Many: each request's workspace's token, from its installation.
      ...(oauth
        ? { authorize: (source) => oauth.tokens.authorize(source) }
        : { token: config.mode === "oauth" ? "" : config.botToken }),
      receiver: this.receiver,
      logger: slackLogger,
      clientOptions,
      // The bot keeps no conversation state in Bolt; its store-per-request middleware is pure cost.
      convoStore: false,
      // It listens to no events, only commands and clicks, so none of its own messages can come back to it.
      ignoreSelf: false,
      // auth.test runs in start(), where a failure is reported instead of becoming an unhandled rejection.
      deferInitialization: true,
    });
    this.registerHandlers();
  }

  /** Node listener for POST /slack/events, mounted on our HTTP server (HTTP mode only). */
  get requestListener(): RequestListener | undefined {
    return this.receiver instanceof SlackHttpReceiver ? this.receiver.requestListener : undefined;
  }

  /** Node listener for GET /slack/install and /slack/oauth_redirect (installs to many workspaces only). */
  get installListener(): RequestListener | undefined {
    return this.oauth?.requestListener;
  }

  /**
   * Scheduled posts (daily topics, reminders) for this workspace. Its own Web API client: a rate
   * limit on one channel must not pause the client that answers commands and clicks.
   */
  get delivery(): SlackDelivery {
    const { config } = this.options;
    const oauth = this.oauth;
    this.scheduled ??= new SlackDelivery({
      ...(oauth
        ? { tokenFor: async (teamId) => (await oauth.tokens.botTokenFor({ teamId })).botToken }
        : { botToken: config.mode === "oauth" ? "" : config.botToken }),
      apiUrl: this.options.config.apiUrl,
      logger: this.options.logger,
      ...(this.options.pictures ? { pictures: this.options.pictures } : {}),
      ...(this.options.pictureLinks ? { pictureLinks: this.options.pictureLinks } : {}),
    });
    return this.scheduled;
  }

  async start(): Promise<void> {
    await this.app.init();
    if (this.receiver instanceof SocketModeReceiver) await this.receiver.start();
    this.options.logger.info({ mode: this.options.config.mode }, "slack connected");
  }

  async stop(): Promise<void> {
    await Promise.all([this.refresher.flush(), this.home.flush()]);
    if (this.receiver instanceof SocketModeReceiver) await this.receiver.stop();
  }

  /**
   * A click runs the command its button carries, as the person who clicked. The answer comes as a
   * new message: private, or for the whole channel when the click was "Share in channel".
   */
  private async click(
    action: { value?: string } | object,
    body: Parameters<typeof whoFromAction>[0],
    audience: "private" | "channel",
    client: HandlerClient,
  ): Promise<RespondArguments> {
    const clicked = await this.runClicked(action, body, client);
    if (!clicked) return invalidButton;
    const { command, who, answer } = clicked;
    this.refreshLater(command, body, client);
    if (changesDashboard.test(command)) this.home.changed(client, who);
    const shown: Reply = audience === "channel" && answer.outcome === "ok" ? sharedVersion(answer) : answer;
    return { ...(await this.message(shown, who.userId, client, command)), replace_original: false };
  }

  /** The command a button carries, run as whoever clicked; undefined when it is not one of ours. */
  private async runClicked(
    action: { value?: string } | object,
    body: Parameters<typeof whoFromAction>[0],
    client: HandlerClient,
  ): Promise<{ command: string; who: Who; answer: Reply } | undefined> {
    const command = "value" in action && typeof action.value === "string" ? action.value : "";
    if (!this.options.core.isButtonCommand(command)) return undefined;
    const who = await this.people.enrich(
      client,
      this.identify(whoFromAction(body)),
      body.user.username ?? body.user.name,
    );
    // Buttons run no channel-changing command today; the check still travels, so none ever runs unchecked.
    const channelManagers = slackChannelManagers(client, who, this.people);
    return { command, who, answer: await this.options.core.handle({ text: command, who, channelManagers }) };
  }

  /** Edits the message the button sits on, a little later, when the click changed what it shows. */
  private refreshLater(command: string, body: object, client: HandlerClient): void {
    const container = (body as { container?: { channel_id?: string; message_ts?: string; is_ephemeral?: boolean } })
      .container;
    const channel = container?.channel_id;
    const ts = container?.message_ts;
    if (!channel || !ts || container?.is_ephemeral) return;
    this.refresher.schedule(`${channel}/${ts}`, async () => {
      const fresh = await this.options.core.refreshedMessage(command);
      if (fresh) await client.chat.update({ channel, ts, ...toSlackMessage(fresh) });
    });
  }

  /**
   * A reply as a Slack message; its file, if any, is first sent to the person's DM. Its picture
   * comes as an image block when the bot has a public URL, else as a Picture button running
   * `command` again.
   */
  private async message(
    reply: Reply,
    userId: string,
    client: FileUploadClient,
    command?: string,
  ): Promise<SlackMessage> {
    const message = this.withPicture(toSlackMessage(reply), reply, command);
    if (!reply.file) return message;
    const { file } = reply;
    const handover = await sendFileToDm(
      client,
      userId,
      { name: file.name, data: Buffer.from(file.content, "utf8") },
      this.options.logger,
    );
    return withFileNotice(message, file, handover);
  }

  private withPicture(message: SlackMessage, reply: Reply, command: string | undefined): SlackMessage {
    const { pictures, pictureLinks } = this.options;
    if (!reply.pictures?.length || !pictures || reply.outcome !== "ok") return message;
    if (pictureLinks)
      return withPictureLinks(message, reply.pictures, pictureLinks, (this.options.clock ?? (() => new Date()))());
    return command ? withPictureButton(message, command) : message;
  }

  /** The Picture button: the command run again, its pictures drawn and sent to the person's DM. */
  private async pictureToDm(
    action: { value?: string } | object,
    body: Parameters<typeof whoFromAction>[0],
    client: HandlerClient,
  ): Promise<RespondArguments> {
    const clicked = await this.runClicked(action, body, client);
    if (!clicked) return invalidButton;
    const { logger } = this.options;
    const drawn = await drawReplyPictures(clicked.answer, this.options.pictures, logger);
    const say = (text: string): RespondArguments => ({ response_type: "ephemeral", replace_original: false, text });
    if (drawn.length === 0)
      return say(
        "I could not draw that picture just now. The answer above has it all in words; please try the button again in a minute.",
      );
    for (const picture of drawn) {
      const handover = await sendFileToDm(
        client,
        clicked.who.userId,
        { name: picture.name, data: picture.png },
        logger,
      );
      if (!handover.sent) return say(fileFailureText(picture.name, handover));
    }
    return say(
      `:frame_with_picture: I sent you the ${drawn.length === 1 ? "picture" : "pictures"} in a direct message from this app (its Messages tab).`,
    );
  }

  /** The person as the bot keeps them: installed to many workspaces, their id within their workspace's. */
  private identify(who: Who): Who {
    return this.oauth ? { ...who, userId: qualifiedUserId(who.teamId, who.userId) } : who;
  }

  /**
   * A button on the Home tab, or in a modal one of its buttons opened: a view has no conversation
   * to answer in, so the answer opens as a modal (from the Home tab) or replaces the modal's
   * content (inside one); the dashboard then follows the change.
   */
  private async clickInView(
    action: { value?: string } | object,
    body: Parameters<typeof whoFromAction>[0] & ViewContainer,
    client: HandlerClient,
  ): Promise<void> {
    const clicked = await this.runClicked(action, body, client);
    const answer = clicked?.answer ?? errorReply(invalidButton.text ?? "", undefined, "user-error");
    try {
      const modal = this.home.modal(answer);
      const viewId = body.view?.type === "modal" ? body.view.id : undefined;
      if (viewId) await client.views.update({ view_id: viewId, view: modal });
      else if (body.trigger_id) await client.views.open({ trigger_id: body.trigger_id, view: modal });
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not show a Home tab button's answer");
    }
    if (clicked && changesDashboard.test(clicked.command)) this.home.changed(client, clicked.who);
  }

  /**
   * A workspace removed the app (app_uninstalled), or revoked its bot token (tokens_revoked):
   * either, in either order and however often, deletes the installation and pauses the
   * workspace's daily topics and reminders at once. Bolt hands these two events over without
   * authorizing them, since their workspace has no usable token any more.
   */
  private registerUninstall(oauth: SlackOAuth): void {
    const removed = async (context: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }) => {
      await oauth.remove(context);
      const paused = context.teamId ? await this.options.core.teamRemoved("slack", context.teamId) : 0;
      this.options.logger.info(
        { teamId: context.teamId, enterpriseId: context.enterpriseId, paused },
        "slack workspace removed the app: its installation is deleted and its schedules paused",
      );
    };
    this.app.event("app_uninstalled", ({ context }) => removed(context));
    this.app.event("tokens_revoked", async ({ event, context }) => {
      if ((event.tokens.bot ?? []).length > 0) await removed(context);
    });
  }

  private registerHandlers(): void {
    const { core, logger } = this.options;

    this.app.command("/roadmap", async ({ command, ack, respond, client }) => {
      // The person's name and zone from users.info, cached: at most one call per person an hour.
      const who = await this.people.enrich(client, this.identify(whoFromCommand(command)), command.user_name);
      const channelManagers = slackChannelManagers(client, who, this.people);
      const text = unescapeMrkdwn(command.text);
      // Asked only by `daily on`: whether the bot was invited to this channel, if it is private.
      const channelAccess =
        who.channelId && !who.inDirectMessage
          ? slackChannelAccess(client, who.channelId, "roadmap-bot", logger)
          : undefined;
      const answer = core.handle({ text, who, channelManagers, ...(channelAccess ? { channelAccess } : {}) });
      if (changesDashboard.test(text.trim())) void answer.then(() => this.home.changed(client, who));
      const quick = await within(answer, this.deferAfterMs);
      if (quick && !quick.file) {
        await ack(this.withPicture(toSlackMessage(quick), quick, text));
        return;
      }
      // The store is slow, or a file must be uploaded first: acknowledge inside Slack's 3 seconds
      // with an empty ack (a response_url cannot replace a slash command's first answer, so none
      // is sent), then answer through it.
      await ack();
      await respond(await this.message(await answer, who.userId, client, text));
    });

    this.app.event("app_home_opened", async ({ event, body, client }) => {
      // The event comes for the Messages tab too; only the Home tab shows the dashboard.
      if (event.tab !== "home") return;
      const teamId = (body as { team_id?: string }).team_id;
      const who = await this.people.enrich(
        client,
        this.identify({ platform: "slack", userId: event.user, ...(teamId ? { teamId } : {}) }),
      );
      await this.home.opened(client, who);
    });

    // One listener for every button: Bolt runs each listener's middleware for every request, commands included.
    this.app.action({ action_id: anyButton }, async ({ ack, body, action, respond, client }) => {
      await ack();
      if ((body as ViewContainer).container?.type === "view") {
        await this.clickInView(action, body, client);
        return;
      }
      if ("action_id" in action && action.action_id === actionIds.picture) {
        await respond(await this.pictureToDm(action, body, client));
        return;
      }
      const audience = "action_id" in action && action.action_id === actionIds.share ? "channel" : "private";
      await respond(await this.click(action, body, audience, client));
    });

    if (this.oauth) this.registerUninstall(this.oauth);

    this.app.error(async (error) => {
      logger.error({ err: error }, "slack handler failed");
    });
  }
}
