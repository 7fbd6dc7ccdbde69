import { createHash } from "node:crypto";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { ArgumentSpec, Command, CommandMode, ModeOption } from "../../core/command.ts";
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
 * A name as Discord accepts it (1-32 characters, lowercase letters, digits, `-` and `_`). Core
 * names already are; anything else is folded so registration cannot fail on it.
 */
export function discordName(name: string): string {
  const folded = name
    .toLowerCase()
    .replace(/[^-_\p{Ll}\p{Lo}\p{N}]+/gu, "-")
    .slice(0, discordCommandLimits.name);
  return folded === "" ? "x" : folded;
}

/** The option each mode option becomes: the same name, as Discord accepts it. */
export const modeOptionName = (option: ModeOption): string => discordName(option.name);

/**
 * A mode's options are words of one command text, capped at 300 characters: each gets a share
 * of 250, leaving room for the command and mode words.
 */
const modeOptionLength = (mode: CommandMode) => Math.min(100, Math.floor(250 / Math.max(1, mode.options?.length ?? 0)));

/** A command with modes: a subcommand group named after it, one subcommand per mode, every option optional text. */
function modeGroup(command: Command, modes: readonly CommandMode[]) {
  return {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: discordName(command.name),
    description: truncate(command.summary, discordCommandLimits.description),
    options: modes.slice(0, discordCommandLimits.subcommands).map((mode) => ({
      type: ApplicationCommandOptionType.Subcommand,
      name: discordName(mode.name),
      description: truncate(mode.summary, discordCommandLimits.description),
      options: (mode.options ?? []).slice(0, discordCommandLimits.subcommands).map((modeOption) => ({
        type: ApplicationCommandOptionType.String,
        name: modeOptionName(modeOption),
        description: truncate(modeOption.description, discordCommandLimits.description),
        required: false,
        max_length: modeOptionLength(mode),
        ...(modeOption.autocomplete ? { autocomplete: true } : {}),
      })),
    })),
  };
}

/** The mode a `/roadmap[-setup] <group> <subcommand>` names, found by the Discord names built above. */
export function findMode(
  commands: readonly Command[],
  group: string,
  subcommand: string,
): { command: Command; mode: CommandMode } | undefined {
  const command = commands.find((candidate) => candidate.modes?.length && discordName(candidate.name) === group);
  const mode = command?.modes?.find((candidate) => discordName(candidate.name) === subcommand);
  return command && mode ? { command, mode } : undefined;
}

/**
 * The slash commands: `/roadmap` for what a person does for themselves, usable wherever they are
 * (also as a user-installed app in servers the bot never joined, and in DMs), and `/roadmap-setup`
 * for what the bot does in a server's channels and for its team, offered only in servers that
 * added the app. Discord sets where a command may run per top-level command, hence two.
 */
export const slashCommands = { personal: "roadmap", setup: "roadmap-setup" } as const;

/** Commands that set up a server's channels and team (channel managers'), under `/roadmap-setup`. */
const setupCommandNames: ReadonlySet<string> = new Set(["daily", "team"]);

/** The slash command a core command is typed under on Discord: "/roadmap" or "/roadmap-setup". */
export const slashCommandOf = (commandName: string): string =>
  `/${setupCommandNames.has(commandName) ? slashCommands.setup : slashCommands.personal}`;

/** One subcommand per core command (a subcommand group for a command with modes), at most 25. */
function subcommands(commands: readonly Command[], stageCount: number) {
  // Subcommands and groups together count against the 25 options of the command.
  return commands.slice(0, discordCommandLimits.subcommands).map((command) =>
    command.modes?.length
      ? modeGroup(command, command.modes)
      : {
          type: ApplicationCommandOptionType.Subcommand,
          name: command.name,
          description: truncate(command.summary, discordCommandLimits.description),
          options: command.argument ? [option(command.argument, stageCount)] : [],
        },
  );
}

/**
 * `/roadmap` with one subcommand per personal command, built from the same metadata the core and
 * help use, so names, options and descriptions have one source. Usable in servers, in DMs with
 * the bot and as a user-installed app.
 */
export function roadmapCommandData(
  commands: readonly Command[],
  stageCount: number,
): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: slashCommands.personal,
    description: "Study the roadmap: stages, topics, your next topic and your progress",
    integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
    options: subcommands(
      commands.filter((command) => !setupCommandNames.has(command.name)),
      stageCount,
    ),
  } as RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/**
 * `/roadmap-setup` with the channel and team commands (`daily`, `team`): only in servers that
 * installed the app, since only there can the bot post. Undefined when no such command exists.
 */
export function setupCommandData(
  commands: readonly Command[],
  stageCount: number,
): RESTPostAPIChatInputApplicationCommandsJSONBody | undefined {
  const setup = commands.filter((command) => setupCommandNames.has(command.name));
  if (setup.length === 0) return undefined;
  return {
    type: ApplicationCommandType.ChatInput,
    name: slashCommands.setup,
    description: "Set up this server: a daily topic and quiz in this channel, the team's time zone and settings",
    integration_types: [ApplicationIntegrationType.GuildInstall],
    contexts: [InteractionContextType.Guild],
    options: subcommands(setup, stageCount),
  } as RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/** Everything registered with Discord, in one PUT: `/roadmap`, then `/roadmap-setup`. */
export function discordCommandData(
  commands: readonly Command[],
  stageCount: number,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const setup = setupCommandData(commands, stageCount);
  return [roadmapCommandData(commands, stageCount), ...(setup ? [setup] : [])];
}

/** A fingerprint of the command data: registration runs again only when it changes. */
export const commandDataHash = (data: unknown): string =>
  createHash("sha256").update(JSON.stringify(data)).digest("hex");
