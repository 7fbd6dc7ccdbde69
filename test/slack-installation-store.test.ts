import { describe, expect, it } from "vitest";
import { TokenCipher } from "../src/platforms/slack/token-cipher.ts";
import { slackInstallationsContract } from "./contract/slack-installations.contract.ts";
import { encryptionKey, storeSubjects } from "./slack-installation-fixtures.ts";

/** Database 5 is this file's alone: flushed before and after. */
const redisUrl = "redis://127.0.0.1:6379/5";

for (const subject of storeSubjects(redisUrl)) slackInstallationsContract(subject);

describe("TokenCipher", () => {
  const cipher = new TokenCipher(encryptionKey);

  it("GIVEN a token sealed twice THEN the two ciphertexts differ and both open to it", () => {
    const first = cipher.seal("xoxb-secret", "slack-installation:team:T1#botToken");
    const second = cipher.seal("xoxb-secret", "slack-installation:team:T1#botToken");
    expect(first).not.toBe(second);
    expect(first).not.toContain("xoxb-secret");
    expect(cipher.open(first, "slack-installation:team:T1#botToken")).toBe("xoxb-secret");
    expect(cipher.open(second, "slack-installation:team:T1#botToken")).toBe("xoxb-secret");
  });

  it("GIVEN another context, another key or a damaged value THEN it does not open", () => {
    const sealed = cipher.seal("xoxb-secret", "slack-installation:team:T1#botToken");
    expect(cipher.open(sealed, "slack-installation:team:T2#botToken")).toBeUndefined();
    expect(new TokenCipher("another key").open(sealed, "slack-installation:team:T1#botToken")).toBeUndefined();
    for (const damaged of ["", "v1", "v2.a.b.c", `${sealed}.extra`, sealed.replace(/^v1\.[^.]+/, "v1.AAAA")]) {
      expect(cipher.open(damaged, "slack-installation:team:T1#botToken")).toBeUndefined();
    }
  });

  it("GIVEN the same key twice THEN the key id is the same; another key THEN it differs", () => {
    expect(new TokenCipher(encryptionKey).keyId).toBe(cipher.keyId);
    expect(new TokenCipher("another key").keyId).not.toBe(cipher.keyId);
  });

  it("GIVEN an empty key THEN construction names the variable to set", () => {
    expect(() => new TokenCipher("")).toThrow(/SLACK_TOKEN_ENCRYPTION_KEY/);
  });
});
