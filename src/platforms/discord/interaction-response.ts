import { InteractionResponseType, MessageFlags, type REST, Routes } from "discord.js";
import type { CallbackPost } from "./callback-post.ts";
import { type DiscordMessage, wireMessage } from "./messages.ts";

/** What an interaction response needs of the interaction: the payload's ids, nothing cached. */
export interface Answerable {
  id: string;
  token: string;
  applicationId: string;
}

/**
 * Interaction responses from the JSON the bot already built. discord.js's `interaction.reply()`
 * sends the same request but first re-resolves every option through a MessagePayload, whose
 * getters call `require()` on each use (about a tenth of the bot's CPU under load). The initial
 * response goes through `direct` when given (see CallbackPost), else, and whenever that did not
 * get a 2xx, through the client's REST with its retries and 429 handling; deferrals and webhook
 * edits always do (the edits are held to the global rate limit there).
 */
export class InteractionResponder {
  constructor(
    private readonly rest: REST,
    private readonly direct?: CallbackPost,
  ) {}

  /** The initial response: the message itself. */
  async reply(interaction: Answerable, message: DiscordMessage): Promise<void> {
    const { body, files } = wireMessage(message);
    const route = Routes.interactionCallback(interaction.id, interaction.token);
    const callback = { type: InteractionResponseType.ChannelMessageWithSource, data: body };
    if (!files && this.direct && (await this.direct.post(route, JSON.stringify(callback)))) return;
    await this.rest.post(route, { body: callback, ...(files ? { files } : {}), auth: false });
  }

  /** The initial response when the answer is slow: "thinking…", ephemeral unless `visible`. */
  async defer(interaction: Answerable, visible: boolean): Promise<void> {
    await this.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
      body: {
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        ...(visible ? {} : { data: { flags: MessageFlags.Ephemeral } }),
      },
      auth: false,
    });
  }

  /** Fills a deferred response in; its visibility was set by the deferral, so `flags` are left out. */
  async editOriginal(interaction: Answerable, message: DiscordMessage): Promise<void> {
    const { flags: _setByTheDeferral, ...unflagged } = message;
    const { body, files } = wireMessage(unflagged);
    await this.rest.patch(Routes.webhookMessage(interaction.applicationId, interaction.token, "@original"), {
      body,
      ...(files ? { files } : {}),
      auth: false,
    });
  }
}
