import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { botScopes } from "../src/platforms/slack/scopes.ts";

const root = path.resolve(import.meta.dirname, "..");

/** The parts of Slack's app manifest schema that roadmap-bot relies on. */
const manifestSchema = z.object({
  _metadata: z.object({ major_version: z.literal(1) }),
  display_information: z.object({ name: z.string().min(1).max(35), description: z.string().max(140) }),
  features: z.object({
    bot_user: z.object({ display_name: z.string().min(1).max(80) }),
    app_home: z.object({ messages_tab_enabled: z.boolean() }),
    slash_commands: z.array(
      z.object({
        command: z.string(),
        description: z.string().max(100),
        usage_hint: z.string().max(1000),
        should_escape: z.boolean(),
      }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({ interactivity: z.object({ is_enabled: z.boolean() }), socket_mode_enabled: z.boolean() }),
});

describe("deploy/slack-app-manifest.yaml", () => {
  it("GIVEN the manifest THEN it creates /roadmap with interactivity, Socket Mode, the Messages tab and the scopes the code needs", async () => {
    const manifest = manifestSchema.parse(
      parse(await readFile(path.join(root, "deploy/slack-app-manifest.yaml"), "utf8")),
    );
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual(["/roadmap"]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    // Which scopes, and why each: test/slack-scopes.test.ts compares them with the code.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(Object.keys(botScopes).sort());
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
  });
});
