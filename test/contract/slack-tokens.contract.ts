import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.ts";
import { SlackInstallationStore, SlackNotInstalledError } from "../../src/platforms/slack/installation-store.ts";
import { SlackReinstallRequiredError, SlackTokens } from "../../src/platforms/slack/slack-tokens.ts";
import type { Store } from "../../src/store/store.ts";
import { FakeSlackOAuth, refreshedExpiresIn } from "../fake-slack-oauth.ts";
import { fixedNow } from "../helpers.ts";
import {
  encryptionKey,
  orgInstall,
  runIds,
  type StoreSubject,
  workspaceInstall,
} from "../slack-installation-fixtures.ts";

const nowSeconds = Math.floor(fixedNow.getTime() / 1000);
/** Inside @slack/oauth's 2-hour refresh window. */
const expiringAt = nowSeconds + 600;
const freshAt = nowSeconds + 10 * 3600;

/** One suite, run against every store: one refresh per installation, however many processes ask at once. */
export function slackTokensContract(subject: StoreSubject): void {
  describe(`SlackTokens contract: ${subject.name}`, async () => {
    const available = subject.available ? await subject.available() : true;
    const id = runIds();
    const slack = new FakeSlackOAuth();
    let opened: Awaited<ReturnType<StoreSubject["open"]>>;
    const cleanup: (() => Promise<void>)[] = [];
    /** A process of the bot: its own installation store and token authority over one connection. */
    const processOn = (store: Store, nowMs = fixedNow.getTime()) => {
      const installations = new SlackInstallationStore({ store, encryptionKey, logger: silentLogger });
      const tokens = new SlackTokens({
        installations,
        clientId: slack.clientId,
        clientSecret: slack.clientSecret,
        apiUrl: slack.apiUrl,
        logger: silentLogger,
        now: () => nowMs,
      });
      return { installations, tokens };
    };
    let one: ReturnType<typeof processOn>;
    let other: ReturnType<typeof processOn>;
    const removeAfter = (query: Parameters<SlackInstallationStore["deleteInstallation"]>[0]) =>
      cleanup.push(() => one.installations.deleteInstallation(query));

    beforeAll(async () => {
      if (!available) return;
      await slack.start();
      opened = await subject.open();
      one = processOn(opened.store);
      other = processOn(opened.peer);
    });
    afterAll(async () => {
      if (!available) return;
      for (const remove of cleanup) await remove();
      await opened.close();
      await slack.stop();
    });

    it.skipIf(!available)(
      "GIVEN an expiring token asked for 50 times here and 10 times in another process at once THEN Slack sees one refresh and every caller gets the new token",
      async () => {
        const teamId = id("T-rotating");
        const query = { teamId, enterpriseId: undefined, isEnterpriseInstall: false } as const;
        removeAfter(query);
        await one.installations.storeInstallation(
          workspaceInstall(teamId, { rotation: { refreshToken: slack.refreshToken(), expiresAt: expiringAt } }),
        );
        const callsBefore = slack.calls;

        const answers = await Promise.all([
          ...Array.from({ length: 50 }, () => one.tokens.botTokenFor({ teamId })),
          ...Array.from({ length: 9 }, () => other.tokens.botTokenFor({ teamId })),
          other.tokens.authorize(query),
        ]);

        expect(slack.calls - callsBefore).toBe(1);
        const issued = slack.issued.at(-1);
        expect(new Set(answers.map((answer) => answer.botToken))).toEqual(new Set([issued]));
        expect(answers[0]).toEqual({
          botToken: issued,
          botId: "B0BOT",
          botUserId: "U0BOT",
          teamId,
          isEnterpriseInstall: false,
        });
        const saved = (await other.installations.find({ teamId }))?.installation.bot;
        expect(saved).toMatchObject({ token: issued, expiresAt: nowSeconds + refreshedExpiresIn });
        await expect(one.tokens.botTokenFor({ teamId })).resolves.toMatchObject({ botToken: issued });
        expect(slack.calls - callsBefore).toBe(1);
        // Near the new token's expiry, the saved refresh token is the one Slack accepts.
        const later = processOn(opened.peer, (nowSeconds + refreshedExpiresIn - 60) * 1000);
        const next = await later.tokens.botTokenFor({ teamId });
        expect(slack.calls - callsBefore).toBe(2);
        expect(next.botToken).toBe(slack.issued.at(-1));
        expect(next.botToken).not.toBe(issued);
      },
    );

    it.skipIf(!available)("GIVEN a rotating token far from expiry THEN it is used as it is", async () => {
      const teamId = id("T-fresh");
      removeAfter({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
      const installation = workspaceInstall(teamId, {
        rotation: { refreshToken: slack.refreshToken(), expiresAt: freshAt },
      });
      await one.installations.storeInstallation(installation);
      const callsBefore = slack.calls;
      await expect(one.tokens.botTokenFor({ teamId })).resolves.toMatchObject({ botToken: installation.bot?.token });
      expect(slack.calls).toBe(callsBefore);
    });

    it.skipIf(!available)(
      "GIVEN an org-wide install THEN a workspace inside the org gets the org's token as itself",
      async () => {
        const enterpriseId = id("E-org");
        const teamId = id("T-in-org");
        removeAfter({ teamId: undefined, enterpriseId, isEnterpriseInstall: true });
        removeAfter({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
        const installation = orgInstall(enterpriseId);
        await one.installations.storeInstallation(installation);

        const source = { teamId, enterpriseId, isEnterpriseInstall: true, userId: "U1" } as const;
        const expected = {
          botToken: installation.bot?.token,
          botId: "B0BOT",
          botUserId: "U0BOT",
          teamId,
          enterpriseId,
          isEnterpriseInstall: true,
        };
        await expect(one.tokens.authorize(source)).resolves.toEqual(expected);
        // A scheduled post in another process knows the team only.
        await expect(other.tokens.botTokenFor({ teamId })).resolves.toEqual(expected);
      },
    );

    it.skipIf(!available)("GIVEN a team with no installation THEN a not-installed error", async () => {
      await expect(one.tokens.botTokenFor({ teamId: id("T-never") })).rejects.toThrow(SlackNotInstalledError);
    });

    it.skipIf(!available)(
      "GIVEN a refresh token Slack refuses THEN every caller is told to reinstall, after one refresh attempt",
      async () => {
        const teamId = id("T-refused");
        removeAfter({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
        await one.installations.storeInstallation(
          workspaceInstall(teamId, { rotation: { refreshToken: "xoxe-1-never-issued", expiresAt: expiringAt } }),
        );
        const callsBefore = slack.calls;
        const answers = await Promise.allSettled([
          one.tokens.botTokenFor({ teamId }),
          one.tokens.botTokenFor({ teamId }),
        ]);
        for (const answer of answers) {
          expect(answer).toMatchObject({ status: "rejected", reason: expect.any(SlackReinstallRequiredError) });
        }
        expect(String((answers[0] as PromiseRejectedResult).reason)).toMatch(/invalid_refresh_token.*reinstalled/);
        expect(slack.calls - callsBefore).toBe(1);
      },
    );
  });
}
