import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  Client,
  Events,
  type Interaction,
  MessageFlags,
  Options,
  PermissionFlagsBits,
  Routes,
} from "discord.js";
import type { Logger as PinoLogger } from "pino";
import type { DiscordConfig } from "../../config.ts";
import type { ChannelAccess, ChannelManagers } from "../../core/command.ts";
import type { Core } from "../../core/core.ts";
import { type Reply, sharedVersion } from "../../core/reply.ts";
import { truncate } from "../../core/text.ts";
import type { Store } from "../../store/store.ts";
import { MessageRefresher } from "../message-refresher.ts";
import { drawReplyPictures, type PictureSource } from "../reply-picture.ts";
import { within } from "../within.ts";
import { CallbackPost } from "./callback-post.ts";
import { botIsAbsent, discordChannelAccess } from "./channel-access.ts";
import { discordCommandData, findMode, modeOptionName, slashCommands, stageOptionName } from "./command-data.ts";
import { commandHints, type HintSpelling } from "./command-hints.ts";
import { DiscordDelivery, editBody } from "./discord-delivery.ts";
import { InteractionResponder } from "./interaction-response.ts";
import { customIdPrefix, type DiscordMessage, toDiscordMessage, withPictures } from "./messages.ts";
import { registerIfChanged } from "./register.ts";
import { whoFromInteraction } from "./who.ts";

export interface DiscordAdapterOptions {
  core: Core;
  config: DiscordConfig;
  logger: PinoLogger;
  /** Where the registered command data's hash is kept (DISCORD_REGISTER_ON_START). */
  store: Store;
  /** How long an answer may take before the bot defers (Discord allows 3 s for the first response). */
  deferAfterMs?: number;
  /** How long after a click that changes the message it sits on (a quiz's count) the message is edited. */
  refreshAfterMs?: number;
  /** Draws replies' pictures; without it answers are text only. */
  pictures?: PictureSource;
}

const maxChoices = 25;
const invalidButton = "That button is not one of mine, or it is out of date. Type `/roadmap help` to start again.";

/** Discord wants 1-100 characters per choice name; cut cleanly between characters. */
const choiceName = (text: string) => truncate(text, 100);

/**
 * An option value as one word of the text grammar: "mon, wed, fri" typed into a slash option
 * reads as "mon,wed,fri", not three words.
 */
const optionWord = (value: string): string =>
  value
    .replace(/\s*,\s*/g, ",")
    .replace(/\s+/g, " ")
    .trim();

/**
 * Who may change what the bot does in the channel: members with Manage Channels there. The
 * payload's member permissions already include the channel's overwrites (and Administrator);
 * outside a server there are none, so nobody may. Passed for clicks too: without it the core
 * would let anyone, should a button ever run a command that asks.
 */
export function channelManagersOf(interaction: ChatInputCommandInteraction | ButtonInteraction): ChannelManagers {
  return {
    description: "members with Manage Channels",
    check: async () => interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? false,
  };
}

/** An answer for the person alone: ephemeral, and without the Share button that would show it to the channel. */
const forThePersonAlone = ({ share: _share, ...reply }: Reply): Reply => ({ ...reply, private: true });

/** Our slash commands; `daily` and `team` may also arrive under `/roadmap`, as older registrations put them. */
const ourCommands: ReadonlySet<string> = new Set(Object.values(slashCommands));

/**
 * Discord through discord.js: `/roadmap <subcommand>` and `/roadmap-setup <subcommand>` with typed
 * options and autocomplete, and the reply buttons. One gateway connection with no intents:
 * interactions need none, and nothing here reads the guild cache (user-installed apps get
 * interactions from guilds the bot never joined).
 */
export class DiscordAdapter {
  readonly client: Client;
  private readonly deferAfterMs: number;
  private readonly channelDelivery: DiscordDelivery;
  private readonly callbacks: CallbackPost;
  private readonly respond: InteractionResponder;
  private gaveUp = false;
  private readonly refresher: MessageRefresher;
  private readonly hints: HintSpelling;

  constructor(private readonly options: DiscordAdapterOptions) {
    this.deferAfterMs = options.deferAfterMs ?? 2_000;
    this.refresher = new MessageRefresher(options.logger, options.refreshAfterMs);
    this.hints = commandHints(options.core.commands.map((command) => command.name));
    this.client = new Client({
      // Interactions arrive whatever the intents. The Guilds intent would only fill caches the bot
      // never reads (every guild, its channels, roles, emojis, and each member who runs a command)
      // and hold the client's ready event until every guild has arrived.
      intents: [],
      // Each interaction carries its user; caching them would keep everyone who ever ran a command.
      makeCache: Options.cacheWithLimits({
        ...Options.DefaultMakeCacheSettings,
        UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
      }),
      rest: { api: options.config.apiUrl },
    });
    this.channelDelivery = new DiscordDelivery(this.client.rest, options.logger, {
      ...(options.pictures ? { pictures: options.pictures } : {}),
      hints: this.hints,
    });
    this.callbacks = new CallbackPost(options.config.apiUrl);
    this.respond = new InteractionResponder(this.client.rest, this.callbacks);
    // Without an error listener, an error event would crash the process.
    this.client.on(Events.Error, (error) => options.logger.error({ err: error }, "discord client error"));
    // discord.js reconnects on its own after ordinary drops; ShardDisconnect means it gave up
    // (a revoked token, say). The bot is then dead for Discord: say so and fail health checks.
    this.client.on(Events.ShardDisconnect, (event, shard) => {
      this.gaveUp = true;
      options.logger.error(
        { shard, code: event.code },
        "discord gateway closed for good; restart after fixing DISCORD_TOKEN",
      );
    });
    this.client.on(Events.InteractionCreate, (interaction) => {
      this.handle(interaction).catch((error: unknown) =>
        options.logger.error({ err: error }, "discord interaction failed"),
      );
    });
  }

  async start(): Promise<void> {
    const { config, core, store, logger } = this.options;
    if (config.registerOnStart) {
      await registerIfChanged(
        config,
        discordCommandData(core.commands, core.defaultRoadmap.stages.length),
        store,
        logger,
      );
    }
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(config.token);
    await ready;
    logger.info({ user: this.client.user?.tag }, "discord connected");
  }

  async stop(): Promise<void> {
    await this.refresher.flush();
    await this.client.destroy();
    this.callbacks.close();
  }

  /** Connected, or reconnecting on its own. */
  get connected(): boolean {
    return this.client.isReady() && !this.gaveUp;
  }

  /** Scheduled posts and DMs, through this client's REST (its token, rate limits and retries). */
  get delivery(): DiscordDelivery {
    return this.channelDelivery;
  }

  /** False once discord.js has given up reconnecting: the process should be restarted. */
  get alive(): boolean {
    return !this.gaveUp;
  }

  private async handle(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) return this.autocomplete(interaction);
    if (interaction.isChatInputCommand() && ourCommands.has(interaction.commandName)) return this.command(interaction);
    if (interaction.isButton()) return this.click(interaction);
  }

  /**
   * The slash command as the text grammar every platform shares: `<subcommand> <its one option>`,
   * or for a command with modes `<command> <mode> <option values in declared order, unset skipped>`.
   */
  private commandText(interaction: ChatInputCommandInteraction): string {
    const name = interaction.options.getSubcommand(true);
    const group = interaction.options.getSubcommandGroup(false);
    if (group) {
      const found = findMode(this.options.core.commands, group, name);
      // Data registered by another version: let the core answer the words as typed.
      if (!found) return `${group} ${name}`;
      const values = (found.mode.options ?? [])
        .map((option) => optionWord(interaction.options.getString(modeOptionName(option), false) ?? ""))
        .filter((value) => value !== "");
      return [found.command.name, found.mode.name, ...values].join(" ");
    }
    const value = interaction.options.data[0]?.options?.[0]?.value;
    return value === undefined ? name : `${name} ${String(value)}`;
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    const answer = this.options.core.handle({
      text: this.commandText(interaction),
      who: whoFromInteraction(interaction),
      channelManagers: channelManagersOf(interaction),
      channelAccess: this.channelAccessOf(interaction),
    });
    await this.answer(interaction, botIsAbsent(interaction) ? answer.then(forThePersonAlone) : answer, false);
  }

  /** Whether the bot can post in the interaction's channel, asked only by commands that turn posts on. */
  private channelAccessOf(interaction: ChatInputCommandInteraction | ButtonInteraction): ChannelAccess {
    return discordChannelAccess(interaction, {
      rest: this.client.rest,
      botName: this.client.user?.username ?? "roadmap-bot",
      logger: this.options.logger,
    });
  }

  private async click(interaction: ButtonInteraction): Promise<void> {
    const { customId } = interaction;
    const absent = botIsAbsent(interaction);
    const share = customId.startsWith(customIdPrefix.share);
    const command = share
      ? customId.slice(customIdPrefix.share.length)
      : customId.startsWith(customIdPrefix.run)
        ? customId.slice(customIdPrefix.run.length)
        : undefined;
    if (command === undefined || !this.options.core.isButtonCommand(command)) {
      await this.respond.reply(interaction, {
        content: invalidButton,
        embeds: [],
        components: [],
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    const answer = this.options.core
      .handle({
        text: command,
        who: whoFromInteraction(interaction),
        channelManagers: channelManagersOf(interaction),
        channelAccess: this.channelAccessOf(interaction),
      })
      .then((reply): Reply => {
        // Where the bot is not, nothing is shown to the channel, not even a Share from an old message.
        if (absent) return forThePersonAlone(reply);
        return share && reply.outcome === "ok" ? sharedVersion(reply) : reply;
      });
    await this.answer(interaction, answer, share && !absent);
    this.refreshLater(command, interaction);
  }

  /** Edits the message the button sits on, a little later, when the click changed what it shows. */
  private refreshLater(command: string, interaction: ButtonInteraction): void {
    const { channelId, message } = interaction;
    if (!channelId || message.flags.has(MessageFlags.Ephemeral) || botIsAbsent(interaction)) return;
    this.refresher.schedule(`${channelId}/${message.id}`, async () => {
      const fresh = await this.options.core.refreshedMessage(command);
      if (fresh) {
        await this.client.rest.patch(Routes.channelMessage(channelId, message.id), {
          body: editBody(this.hints(fresh)),
        });
      }
    });
  }

  /**
   * Replies with the answer directly when it is ready in time; when the store is slow, acknowledges
   * inside Discord's 3 seconds (ephemeral unless `visible`), then fills the answer in.
   */
  private async answer(
    interaction: ChatInputCommandInteraction | ButtonInteraction,
    answer: Promise<Reply>,
    visible: boolean,
  ): Promise<void> {
    const message = answer.then((reply) => this.message(this.hints(reply)));
    const quick = await within(message, this.deferAfterMs);
    if (quick) return this.respond.reply(interaction, quick);
    await this.respond.defer(interaction, visible);
    await this.respond.editOriginal(interaction, await message);
  }

  /** A reply as a Discord message, its pictures (if any) drawn and attached. */
  private async message(reply: Reply): Promise<DiscordMessage> {
    return withPictures(
      toDiscordMessage(reply),
      await drawReplyPictures(reply, this.options.pictures, this.options.logger),
    );
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const lookup = this.options.core.lookup();
    const typed = String(focused.value);
    if (focused.name === stageOptionName) {
      await interaction.respond(
        lookup
          .suggestStages(typed, maxChoices)
          .map((stage) => ({ name: choiceName(`${stage.number} · ${stage.title}`), value: stage.number })),
      );
      return;
    }
    await interaction.respond(
      lookup.suggestTopics(typed, maxChoices).map((topic) => ({
        name: choiceName(`${topic.title} · stage ${topic.stageNumber}`),
        value: topic.id,
      })),
    );
  }
}
