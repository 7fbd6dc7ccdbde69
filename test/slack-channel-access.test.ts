import { describe, expect, it } from "vitest";
import type { Logger } from "../src/logger.ts";
import { type ConversationsInfoClient, slackChannelAccess } from "../src/platforms/slack/channel-access.ts";

type Channel = { is_private?: boolean; is_group?: boolean; is_mpim?: boolean; is_member?: boolean };

/** An error shaped as @slack/web-api throws for `ok: false` answers. */
function platformError(error: string, needed?: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: "slack_webapi_platform_error",
    data: { ok: false, error, ...(needed ? { needed } : {}) },
  });
}

/** A client whose conversations.info answers `channel` (or throws `error`), counting its calls. */
function stub(answer: { channel?: Channel; error?: Error }) {
  const calls: unknown[] = [];
  const client = {
    conversations: {
      info: async (args: unknown) => {
        calls.push(args);
        if (answer.error) throw answer.error;
        return { ok: true, channel: answer.channel };
      },
    },
  } as unknown as ConversationsInfoClient;
  return { client, calls };
}

function recordingLogger() {
  const warnings: { details: object; message: string }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (details, message) => warnings.push({ details, message }),
    error: () => {},
  };
  return { logger, warnings };
}

const notInvited = {
  problem: "roadmap-bot is not a member of this private channel.",
  fix: "Invite it with `/invite @roadmap-bot`, then run it again.",
};

const check = (answer: { channel?: Channel; error?: Error }, logger = recordingLogger().logger) => {
  const { client, calls } = stub(answer);
  return { access: slackChannelAccess(client, "C123", "roadmap-bot", logger), calls };
};

describe("Slack: can the bot post in this channel", () => {
  it("GIVEN a public channel, member or not THEN it can (chat:write.public), asked with the channel id", async () => {
    const { access, calls } = check({ channel: { is_private: false, is_member: false } });
    expect(await access.check()).toBeUndefined();
    expect(calls).toEqual([{ channel: "C123" }]);
    expect(await check({ channel: { is_member: true } }).access.check()).toBeUndefined();
  });

  it("GIVEN a private channel, an old-style group or a group DM without the bot THEN it says to invite it", async () => {
    for (const channel of [
      { is_private: true, is_member: false },
      { is_group: true, is_member: false },
      { is_mpim: true, is_member: false },
    ]) {
      expect(await check({ channel }).access.check(), JSON.stringify(channel)).toEqual(notInvited);
    }
  });

  it("GIVEN a private channel the bot is in THEN it can", async () => {
    expect(await check({ channel: { is_private: true, is_member: true } }).access.check()).toBeUndefined();
  });

  it("GIVEN channel_not_found (Slack hides private channels from bots outside them) THEN it says to invite it", async () => {
    expect(await check({ error: platformError("channel_not_found") }).access.check()).toEqual(notInvited);
  });

  it("GIVEN a public channel, which groups:read cannot read (missing_scope, needed channels:read) THEN it can, with no warning", async () => {
    const { logger, warnings } = recordingLogger();
    const { access } = check({ error: platformError("missing_scope", "channels:read") }, logger);
    expect(await access.check()).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("GIVEN the app without groups:read THEN the command goes ahead and the log names the scope to add", async () => {
    const { logger, warnings } = recordingLogger();
    const { access } = check({ error: platformError("missing_scope", "groups:read") }, logger);
    expect(await access.check()).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain("needs the groups:read scope");
    expect(warnings[0]?.details).toMatchObject({ code: "missing_scope", needed: "groups:read" });
  });

  it("GIVEN Slack failing otherwise THEN the command goes ahead and the failure is logged", async () => {
    const { logger, warnings } = recordingLogger();
    expect(await check({ error: new Error("socket hang up") }, logger).access.check()).toBeUndefined();
    expect(warnings.map((warning) => warning.message)).toEqual([
      "conversations.info failed; daily on goes ahead without checking the channel",
    ]);
  });

  it("GIVEN the check asked twice in one command THEN Slack is asked once", async () => {
    const { access, calls } = check({ channel: { is_private: true, is_member: false } });
    await access.check();
    await access.check();
    expect(calls).toHaveLength(1);
  });

  it("GIVEN another bot name THEN the words use it", async () => {
    const { client } = stub({ error: platformError("channel_not_found") });
    expect(await slackChannelAccess(client, "G1", "study-bot", recordingLogger().logger).check()).toEqual({
      problem: "study-bot is not a member of this private channel.",
      fix: "Invite it with `/invite @study-bot`, then run it again.",
    });
  });
});
