import type { Installation } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type InstallationRef,
  installationKeys,
  SlackInstallationStore,
  SlackNotInstalledError,
} from "../../src/platforms/slack/installation-store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  encryptionKey,
  type OpenedStores,
  orgInstall,
  recordingLogger,
  runIds,
  type StoreSubject,
  workspaceInstall,
} from "../slack-installation-fixtures.ts";

/** Every credential an installation carries: none may be stored in the clear. */
const secretsOf = (installation: Installation): string[] =>
  [
    installation.bot?.token,
    installation.bot?.refreshToken,
    installation.user.token,
    installation.user.refreshToken,
    installation.incomingWebhook?.url,
  ].filter((secret): secret is string => typeof secret === "string");

/** One suite, run against every store: what Bolt's OAuth and the bot's token authority rely on. */
export function slackInstallationsContract(subject: StoreSubject): void {
  describe(`SlackInstallationStore contract: ${subject.name}`, async () => {
    const available = subject.available ? await subject.available() : true;
    const id = runIds();
    let opened: OpenedStores;
    let store: Store;
    const log = recordingLogger();
    let installations: SlackInstallationStore;
    const touched: InstallationRef[] = [];
    /** A workspace's ref under a fresh id; what it names is removed after the suite. */
    const team = (name: string) => {
      const ref = { kind: "team", teamId: id(name) } as const;
      touched.push(ref);
      return ref;
    };
    /** An org-wide install, saved, and one workspace of its org. */
    const orgWithMember = async (name: string) => {
      const enterpriseId = id(`E-${name}`);
      touched.push({ kind: "org", enterpriseId });
      const installation = orgInstall(enterpriseId);
      await installations.storeInstallation(installation);
      return { enterpriseId, installation, member: team(`T-${name}`) };
    };

    beforeAll(async () => {
      if (!available) return;
      opened = await subject.open();
      store = opened.store;
      installations = new SlackInstallationStore({ store, encryptionKey, logger: log.logger });
    });
    afterAll(async () => {
      if (!available) return;
      for (const ref of touched) {
        await store.delete(installationKeys.installation(ref));
        if (ref.kind === "team") await store.delete(installationKeys.orgMember(ref.teamId));
      }
      await opened.close();
    });

    it.skipIf(!available)(
      "GIVEN a workspace install THEN it reads back equal by team, with or without its org named",
      async () => {
        const ref = team("T-plain");
        const grid = team("T-grid");
        const plain = workspaceInstall(ref.teamId);
        const inGrid = workspaceInstall(grid.teamId, { enterpriseId: id("E-grid") });
        await installations.storeInstallation(plain);
        await installations.storeInstallation(inGrid);

        expect(
          await installations.fetchInstallation({
            teamId: ref.teamId,
            enterpriseId: undefined,
            isEnterpriseInstall: false,
          }),
        ).toEqual(plain);
        const query = { teamId: grid.teamId, enterpriseId: id("E-grid"), isEnterpriseInstall: false } as const;
        expect(await installations.fetchInstallation(query)).toEqual(inGrid);
        expect((await installations.find({ teamId: grid.teamId }))?.installation).toEqual(inGrid);
      },
    );

    it.skipIf(!available)(
      "GIVEN a saved install THEN the stored document holds none of its credentials, only ciphertext and a key id",
      async () => {
        const ref = team("T-raw");
        const installation = workspaceInstall(ref.teamId, { rotation: { refreshToken: "xoxe-1-raw", expiresAt: 1 } });
        await installations.storeInstallation(installation);

        const raw = JSON.stringify(await store.get(installationKeys.installation(ref)));
        expect(secretsOf(installation)).toHaveLength(5);
        for (const secret of secretsOf(installation)) expect(raw).not.toContain(secret);
        expect(raw).toMatch(/"keyId":"[0-9a-f]{16}"/);
        expect(raw).toContain(ref.teamId);
      },
    );

    it.skipIf(!available)(
      "GIVEN a document saved with another key THEN it reads as not installed, with a log line naming the key",
      async () => {
        const ref = team("T-rekeyed");
        await installations.storeInstallation(workspaceInstall(ref.teamId));
        const other = recordingLogger();
        const rekeyed = new SlackInstallationStore({ store, encryptionKey: "another key", logger: other.logger });

        await expect(
          rekeyed.fetchInstallation({ teamId: ref.teamId, enterpriseId: undefined, isEnterpriseInstall: false }),
        ).rejects.toThrow(SlackNotInstalledError);
        expect(other.lines).toContainEqual(
          expect.objectContaining({
            level: "error",
            message: expect.stringMatching(/another SLACK_TOKEN_ENCRYPTION_KEY/),
          }),
        );
        expect(await installations.find({ teamId: ref.teamId })).toBeDefined();
      },
    );

    it.skipIf(!available)("GIVEN a reinstall THEN its tokens replace the old ones", async () => {
      const ref = team("T-again");
      await installations.storeInstallation(workspaceInstall(ref.teamId, { botToken: "xoxb-old" }));
      await installations.storeInstallation(workspaceInstall(ref.teamId, { botToken: "xoxb-new" }));
      expect((await installations.find({ teamId: ref.teamId }))?.installation.bot?.token).toBe("xoxb-new");
    });

    it.skipIf(!available)(
      "GIVEN an org-wide install THEN a workspace of the org finds it, and later by its team id alone",
      async () => {
        const { enterpriseId, installation, member } = await orgWithMember("org");

        const orgWide = { teamId: member.teamId, enterpriseId, isEnterpriseInstall: true } as const;
        expect(await installations.fetchInstallation(orgWide)).toEqual(installation);
        expect((await installations.find({ teamId: member.teamId, enterpriseId }))?.installation).toEqual(installation);
        // Another process, knowing only the team (a scheduled post), finds it through what the request recorded.
        const elsewhere = new SlackInstallationStore({ store: opened.peer, encryptionKey, logger: log.logger });
        expect(await elsewhere.find({ teamId: member.teamId })).toEqual({
          ref: { kind: "org", enterpriseId },
          installation,
        });
        expect(await installations.find({ teamId: id("T-stranger") })).toBeUndefined();
      },
    );

    it.skipIf(!available)(
      "GIVEN a corrupt document, a tampered or a transplanted ciphertext THEN each reads as not installed and is logged",
      async () => {
        const [junk, tampered, victim, donor] = ["T-junk", "T-tampered", "T-victim", "T-donor"].map(
          (name) => team(name).teamId,
        ) as [string, string, string, string];
        const keyOf = (teamId: string) => installationKeys.installation({ kind: "team", teamId });
        await store.set(keyOf(junk), { format: 1, keyId: 7, installation: "nope" });
        for (const teamId of [tampered, victim, donor]) await installations.storeInstallation(workspaceInstall(teamId));
        const docOf = async (teamId: string) =>
          structuredClone((await store.get(keyOf(teamId))) as { secrets: Record<string, string> });
        const flipped = await docOf(tampered);
        const sealed = flipped.secrets.botToken ?? "";
        flipped.secrets.botToken = `${sealed.slice(0, -2)}${sealed.endsWith("AA") ? "BB" : "AA"}`;
        await store.set(keyOf(tampered), flipped);
        const transplanted = await docOf(victim);
        transplanted.secrets.botToken = (await docOf(donor)).secrets.botToken ?? "";
        await store.set(keyOf(victim), transplanted);

        const before = log.lines.length;
        for (const teamId of [junk, tampered, victim]) expect(await installations.find({ teamId })).toBeUndefined();
        const errors = log.lines.slice(before).filter((line) => line.level === "error");
        expect(errors.map((line) => line.message)).toEqual([
          expect.stringMatching(/not valid/),
          expect.stringMatching(/botToken does not decrypt/),
          expect.stringMatching(/botToken does not decrypt/),
        ]);
      },
    );

    it.skipIf(!available)(
      "GIVEN a workspace or an org removed, twice THEN it is gone and the second removal is fine",
      async () => {
        const ref = team("T-leaving");
        await installations.storeInstallation(workspaceInstall(ref.teamId));
        const { enterpriseId } = await orgWithMember("leaving");
        const teamQuery = { teamId: ref.teamId, enterpriseId: undefined, isEnterpriseInstall: false } as const;
        const orgQuery = { teamId: undefined, enterpriseId, isEnterpriseInstall: true } as const;

        // tokens_revoked and app_uninstalled may both arrive, in either order.
        await installations.deleteInstallation(teamQuery);
        await installations.deleteInstallation(teamQuery);
        await installations.deleteInstallation(orgQuery);
        await installations.deleteInstallation(orgQuery);
        expect(await installations.find(teamQuery)).toBeUndefined();
        expect(await installations.find(orgQuery)).toBeUndefined();
        expect(await store.get(installationKeys.installation(ref))).toBeUndefined();
      },
    );

    it.skipIf(!available)(
      "GIVEN one workspace of an org-wide install removed THEN the org's install stays",
      async () => {
        const { enterpriseId, member } = await orgWithMember("stays");
        await installations.deleteInstallation({ teamId: member.teamId, enterpriseId, isEnterpriseInstall: false });
        expect(await installations.find({ teamId: undefined, enterpriseId, isEnterpriseInstall: true })).toBeDefined();
      },
    );

    it.skipIf(!available)(
      "GIVEN a user's token revoked THEN only that user's token goes, and another user's request never gets it",
      async () => {
        const ref = team("T-user");
        const installation = workspaceInstall(ref.teamId, { userId: "U-installer" });
        await installations.storeInstallation(installation);
        const query = { teamId: ref.teamId, enterpriseId: undefined, isEnterpriseInstall: false } as const;

        expect((await installations.fetchInstallation({ ...query, userId: "U-other" })).user.token).toBeUndefined();
        expect((await installations.fetchInstallation({ ...query, userId: "U-installer" })).user.token).toBe(
          installation.user.token,
        );
        await installations.deleteInstallation({ ...query, userId: "U-other" });
        expect((await installations.fetchInstallation(query)).user.token).toBe(installation.user.token);
        await installations.deleteInstallation({ ...query, userId: "U-installer" });
        const left = await installations.fetchInstallation(query);
        expect(left.user).toEqual({ id: "U-installer" });
        expect(left.bot).toEqual(installation.bot);
      },
    );

    it.skipIf(!available)("GIVEN nothing installed THEN fetch rejects with a not-installed error", async () => {
      const query = { teamId: id("T-never"), enterpriseId: undefined, isEnterpriseInstall: false } as const;
      await expect(installations.fetchInstallation(query)).rejects.toThrow(SlackNotInstalledError);
      await expect(installations.fetchInstallation(query)).rejects.toThrow(/install it there through \/slack\/install/);
    });
  });
}
