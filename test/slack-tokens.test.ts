import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlackInstallationStore } from "../src/platforms/slack/installation-store.ts";
import { SlackTokenRefreshError, SlackTokens } from "../src/platforms/slack/slack-tokens.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { slackTokensContract } from "./contract/slack-tokens.contract.ts";
import { FakeSlackOAuth } from "./fake-slack-oauth.ts";
import { fixedNow } from "./helpers.ts";
import { encryptionKey, recordingLogger, storeSubjects, workspaceInstall } from "./slack-installation-fixtures.ts";

/** Database 4 is this file's alone: flushed before and after. */
const redisUrl = "redis://127.0.0.1:6379/4";

for (const subject of storeSubjects(redisUrl)) slackTokensContract(subject);

describe("SlackTokens when a refresh fails for now", () => {
  const slack = new FakeSlackOAuth();
  const nowSeconds = Math.floor(fixedNow.getTime() / 1000);
  const log = recordingLogger();
  const installations = new SlackInstallationStore({
    store: openMemoryStore(log.logger),
    encryptionKey,
    logger: log.logger,
  });
  let tokens: SlackTokens;

  beforeAll(async () => {
    await slack.start();
    tokens = new SlackTokens({
      installations,
      clientId: slack.clientId,
      clientSecret: slack.clientSecret,
      apiUrl: slack.apiUrl,
      logger: log.logger,
      now: () => fixedNow.getTime(),
    });
  });
  afterAll(() => slack.stop());

  const install = (teamId: string, expiresAt: number) =>
    installations.storeInstallation(
      workspaceInstall(teamId, {
        botToken: `xoxb-${teamId}`,
        rotation: { refreshToken: slack.refreshToken(), expiresAt },
      }),
    );

  it("GIVEN Slack answering 500 and a token still valid for a while THEN that token is used and the next call refreshes", async () => {
    await install("T-flaky", nowSeconds + 600);
    slack.failures.push({ status: 500 });
    await expect(tokens.botTokenFor({ teamId: "T-flaky" })).resolves.toMatchObject({ botToken: "xoxb-T-flaky" });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: "warn", message: expect.stringMatching(/using the current one/) }),
    );
    const refreshed = await tokens.botTokenFor({ teamId: "T-flaky" });
    expect(refreshed.botToken).toBe(slack.issued.at(-1));
    expect(slack.issued).toHaveLength(1);
  });

  it("GIVEN Slack answering 500 and a token already expired THEN a refresh error", async () => {
    await install("T-expired", nowSeconds - 60);
    slack.failures.push({ status: 500 });
    await expect(tokens.botTokenFor({ teamId: "T-expired" })).rejects.toThrow(SlackTokenRefreshError);
  });

  it("GIVEN a wrong client secret THEN the error names the variables to check", async () => {
    await install("T-misconfigured", nowSeconds - 60);
    const wrong = new SlackTokens({
      installations,
      clientId: slack.clientId,
      clientSecret: "not-the-secret",
      apiUrl: slack.apiUrl,
      logger: log.logger,
      now: () => fixedNow.getTime(),
    });
    await expect(wrong.botTokenFor({ teamId: "T-misconfigured" })).rejects.toThrow(
      /bad_client_secret: check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET/,
    );
  });

  it("GIVEN an install without token rotation THEN its token is used whatever the clock says", async () => {
    await installations.storeInstallation(workspaceInstall("T-static", { botToken: "xoxb-static" }));
    const callsBefore = slack.calls;
    await expect(tokens.botTokenFor({ teamId: "T-static" })).resolves.toMatchObject({ botToken: "xoxb-static" });
    expect(slack.calls).toBe(callsBefore);
  });
});
