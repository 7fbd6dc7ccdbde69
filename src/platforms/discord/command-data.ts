import { createHash } from "node:crypto";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { ArgumentSpec, Command } from "../../core/command.ts";
import { truncate } from "../../core/text.ts";

/** Discord's limits on command data: names 1-32 lowercase, descriptions 1-100, 25 subcommands. */
export const discordCommandLimits = { name: 32, description: 100, subcommands: 25 } as const;

/** A stage is asked for as a number, with autocomplete that also finds stages by name. */
export const stageOptionName = "number";

/** The option each kind of argument becomes. */
export function optionName(spec: ArgumentSpec): string {
  return spec.kind === "stage" ? stageOptionName : spec.kind === "topic" ? "topic" : spec.name;
}

function option(spec: ArgumentSpec, stageCount: number) {
  const description = truncate(spec.description, discordCommandLimits.description);
  if (spec.kind === "stage") {
    return {
      type: ApplicationCommandOptionType.Integer,
      name: optionName(spec),
      description: truncate(`${spec.description} (type a name to search)`, discordCommandLimits.description),
      required: spec.required,
      min_value: 1,
      max_value: stageCount,
      autocomplete: true,
    };
  }
  return {
    type: ApplicationCommandOptionType.String,
    name: optionName(spec),
    description,
    required: spec.required,
    // The whole command text is capped at 300 characters; leave room for the subcommand word.
    max_length: 250,
    autocomplete: spec.kind === "topic",
  };
}

/**
 * `/roadmap` with one subcommand per core command, built from the same metadata the core and
 * help use, so names, options and descriptions have one source. Usable in servers, in DMs with
 * the bot and as a user-installed app.
 */
export function roadmapCommandData(
  commands: readonly Command[],
  stageCount: number,
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: "roadmap",
    description: "Study the roadmap: stages, topics, your next topic and your progress",
    integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
    options: commands.slice(0, discordCommandLimits.subcommands).map((command) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: command.name,
      description: truncate(command.summary, discordCommandLimits.description),
      options: command.argument ? [option(command.argument, stageCount)] : [],
    })),
  } as RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/** A fingerprint of the command data: registration runs again only when it changes. */
export const commandDataHash = (data: unknown): string =>
  createHash("sha256").update(JSON.stringify(data)).digest("hex");
