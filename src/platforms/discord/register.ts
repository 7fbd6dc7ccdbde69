import { REST, Routes } from "discord.js";
import type { DiscordConfig } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import { keys } from "../../store/keys.ts";
import type { Store } from "../../store/store.ts";
import { commandDataHash } from "./command-data.ts";

export interface Registration {
  /** "guild 123…" or "global". */
  scope: string;
  changed: boolean;
}

const scopeOf = (guildId: string | undefined) => (guildId ? `guild ${guildId}` : "global");

/**
 * PUTs every command at once (commands left out are deleted): to one guild (instant) when a guild
 * id is given, else globally.
 */
export async function registerCommands(
  config: DiscordConfig,
  data: readonly unknown[],
  guildId = config.guildId,
): Promise<Registration> {
  const rest = new REST({ api: config.apiUrl }).setToken(config.token);
  const route = guildId
    ? Routes.applicationGuildCommands(config.applicationId, guildId)
    : Routes.applicationCommands(config.applicationId);
  await rest.put(route, { body: data });
  return { scope: scopeOf(guildId), changed: true };
}

/**
 * Registration at startup, only when the command data changed since the last one (its hash is
 * kept in the store), so restarts and several replicas do not spend Discord's daily limit.
 */
export async function registerIfChanged(
  config: DiscordConfig,
  data: readonly unknown[],
  store: Store,
  logger: Logger,
): Promise<Registration> {
  const key = keys.discordCommandsHash(config.applicationId, config.guildId ?? "global");
  const hash = commandDataHash(data);
  if ((await store.get(key)) === hash) return { scope: scopeOf(config.guildId), changed: false };
  const registration = await registerCommands(config, data);
  await store.set(key, hash);
  logger.info({ scope: registration.scope }, "discord commands registered");
  return registration;
}
