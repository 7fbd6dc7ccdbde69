import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const slack = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" };
const discord = { DISCORD_TOKEN: "t", DISCORD_APPLICATION_ID: "123456789012345678" };

describe("ROADMAP_PLATFORMS", () => {
  it("GIVEN it unset THEN every configured platform runs, and none when none is configured", () => {
    expect(loadConfig({ ...slack, ...discord }).platforms).toEqual(["slack", "discord"]);
    expect(loadConfig(discord).platforms).toEqual(["discord"]);
    expect(loadConfig({}).platforms).toEqual([]);
  });

  it("GIVEN a list THEN only those run, in any case and with repeats or spaces ignored", () => {
    expect(loadConfig({ ...slack, ...discord, ROADMAP_PLATFORMS: "discord" }).platforms).toEqual(["discord"]);
    expect(loadConfig({ ...slack, ...discord, ROADMAP_PLATFORMS: " Slack , slack" }).platforms).toEqual(["slack"]);
    expect(loadConfig({ ...slack, ...discord, ROADMAP_PLATFORMS: "slack,discord" }).platforms).toEqual([
      "slack",
      "discord",
    ]);
    // The other platform's settings stay loaded: register-discord works from a Slack-only replica.
    expect(loadConfig({ ...slack, ...discord, ROADMAP_PLATFORMS: "slack" }).discord?.token).toBe("t");
  });

  it("GIVEN an unknown name THEN the error lists the names there are", () => {
    expect(() => loadConfig({ ...slack, ROADMAP_PLATFORMS: "slack,teams" })).toThrow(
      "ROADMAP_PLATFORMS must name the platforms this process runs: slack, discord or slack,discord",
    );
    expect(() => loadConfig({ ...slack, ROADMAP_PLATFORMS: "," })).toThrow("ROADMAP_PLATFORMS must name");
  });

  it("GIVEN a named platform without its variables THEN the error says what to set", () => {
    expect(() => loadConfig({ ...slack, ROADMAP_PLATFORMS: "discord" })).toThrow(
      "ROADMAP_PLATFORMS names discord, which is not configured: set DISCORD_TOKEN and DISCORD_APPLICATION_ID, or leave discord out of ROADMAP_PLATFORMS",
    );
  });
});
