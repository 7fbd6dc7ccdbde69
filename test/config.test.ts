import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

describe("configuration", () => {
  it("GIVEN no variables THEN the defaults: SQLite in ./data, ./content, port 3000, UTC, Slack off", () => {
    expect(loadConfig({})).toEqual({
      storeUrl: "sqlite://./data/roadmap.sqlite",
      contentDir: "./content",
      port: 3000,
      defaultZone: "UTC",
      logLevel: undefined,
      slack: undefined,
      discord: undefined,
      platforms: [],
    });
  });

  it("GIVEN DEFAULT_TIMEZONE THEN a known zone is used and an unknown one is refused with an example", () => {
    expect(loadConfig({ DEFAULT_TIMEZONE: "Europe/Berlin" }).defaultZone).toBe("Europe/Berlin");
    expect(() => loadConfig({ DEFAULT_TIMEZONE: "Mars/Olympus" })).toThrow(
      "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Berlin or UTC",
    );
  });

  it.each([
    "sqlite://./data/other.sqlite",
    "redis://127.0.0.1:6379/2",
    "rediss://cache.example:6380",
    "postgres://bot:secret@db.example:5432/roadmap",
    "postgresql://bot@127.0.0.1/roadmap?schema=roadmap_bot",
  ])("GIVEN STORE_URL=%s THEN it is accepted as it is", (url) => {
    expect(loadConfig({ STORE_URL: url }).storeUrl).toBe(url);
  });

  it("GIVEN a bot token and signing secret THEN Slack runs in HTTP mode", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack).toEqual({
      mode: "http",
      botToken: "xoxb-1",
      signingSecret: "s",
      apiUrl: "https://slack.com/api/",
    });
  });

  it("GIVEN an app token as well THEN Slack runs in Socket Mode, and SLACK_API_URL gets its trailing slash", () => {
    expect(
      loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1", SLACK_API_URL: "http://127.0.0.1:9/api" })
        .slack,
    ).toEqual({
      mode: "socket",
      botToken: "xoxb-1",
      appToken: "xapp-1",
      signingSecret: undefined,
      apiUrl: "http://127.0.0.1:9/api/",
    });
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: "s" }, "set SLACK_BOT_TOKEN"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "Slack needs SLACK_SIGNING_SECRET"],
    [
      { SLACK_BOT_TOKEN: "xoxp-user", SLACK_SIGNING_SECRET: "s" },
      "SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
    ],
    [
      { SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xoxb-2" },
      "SLACK_APP_TOKEN must be an app-level token starting with xapp-",
    ],
    [{ PORT: "http" }, "PORT must be a port number such as 3000"],
    [
      { STORE_URL: "mysql://db" },
      "STORE_URL must be sqlite://PATH, redis://HOST:PORT or postgres://USER:PASS@HOST:5432/DB",
    ],
    [{ SLACK_API_URL: "ftp://x" }, "SLACK_API_URL must be an http(s) URL"],
  ])("GIVEN %j THEN the error names what to set: %s", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("GIVEN a Discord token and application id THEN Discord is on, globally registered, API without trailing slash", () => {
    expect(
      loadConfig({
        DISCORD_TOKEN: "t",
        DISCORD_APPLICATION_ID: "123456789012345678",
        DISCORD_API_URL: "http://127.0.0.1:9/api/",
      }).discord,
    ).toEqual({
      token: "t",
      applicationId: "123456789012345678",
      guildId: undefined,
      apiUrl: "http://127.0.0.1:9/api",
      registerOnStart: false,
    });
  });

  it.each([
    [{ DISCORD_TOKEN: "t" }, "set DISCORD_APPLICATION_ID"],
    [{ DISCORD_APPLICATION_ID: "123456789012345678" }, "set DISCORD_TOKEN"],
    [{ DISCORD_TOKEN: "t", DISCORD_APPLICATION_ID: "abc" }, "DISCORD_APPLICATION_ID must be a Discord id"],
    [{ DISCORD_REGISTER_ON_START: "yes" }, "DISCORD_REGISTER_ON_START must be true or false"],
    [{ DISCORD_GUILD_ID: "123456789012345678" }, "set DISCORD_TOKEN and DISCORD_APPLICATION_ID"],
    [{ DISCORD_REGISTER_ON_START: "true" }, "set DISCORD_TOKEN and DISCORD_APPLICATION_ID"],
    [{ DISCORD_API_URL: "https://discord.com/api/v10" }, "DISCORD_API_URL must not end with a version"],
  ])("GIVEN %j THEN the Discord error names what to set: %s", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("GIVEN SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET with a signing secret and an encryption key THEN Slack installs to many workspaces; anything missing or contradictory is named", () => {
    const oauth = {
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "a-state-secret-of-length",
      SLACK_SIGNING_SECRET: "signing",
      SLACK_TOKEN_ENCRYPTION_KEY: "k".repeat(32),
    };
    expect(loadConfig(oauth).slack).toMatchObject({
      mode: "oauth",
      clientId: "1111.2222",
      authorizeUrl: "https://slack.com/oauth/v2/authorize",
      apiUrl: "https://slack.com/api/",
    });
    expect(() => loadConfig({ ...oauth, SLACK_STATE_SECRET: undefined })).toThrow("set SLACK_STATE_SECRET");
    expect(() => loadConfig({ ...oauth, SLACK_BOT_TOKEN: "xoxb-1" })).toThrow("unset SLACK_BOT_TOKEN");
    expect(() => loadConfig({ ...oauth, SLACK_APP_TOKEN: "xapp-1" })).toThrow("runs in HTTP mode");
    expect(() => loadConfig({ ...oauth, SLACK_TOKEN_ENCRYPTION_KEY: undefined })).toThrow(
      "set SLACK_TOKEN_ENCRYPTION_KEY",
    );
    expect(() => loadConfig({ ...oauth, SLACK_TOKEN_ENCRYPTION_KEY: "short" })).toThrow("at least 32 characters");
    expect(() => loadConfig({ SLACK_TOKEN_ENCRYPTION_KEY: "k".repeat(32) })).toThrow("set SLACK_CLIENT_ID");
  });

  it("GIVEN empty strings THEN they count as unset", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "", STORE_URL: "" }).slack).toBeUndefined();
  });
});
