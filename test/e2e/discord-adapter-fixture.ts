import type { Logger } from "pino";
import type { DiscordConfig } from "../../src/config.ts";
import type { Core } from "../../src/core/core.ts";
import { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import type { Store } from "../../src/store/store.ts";
import { APP_ID, type FakeDiscord } from "./fake-discord.ts";

/**
 * The real Discord adapter, started against a fake Discord with the bot's test token; no command
 * registration unless `config` asks for it.
 */
export async function startAdapterOn(
  fake: FakeDiscord,
  deps: { core: Core; store: Store; logger: Logger },
  config: Partial<DiscordConfig> = {},
): Promise<DiscordAdapter> {
  const adapter = new DiscordAdapter({
    ...deps,
    config: {
      token: "fake-token",
      applicationId: APP_ID,
      guildId: undefined,
      apiUrl: fake.apiUrl,
      registerOnStart: false,
      ...config,
    },
  });
  await adapter.start();
  return adapter;
}
