import { describe, expect, it } from "vitest";
import { messageText } from "./fake-slack.ts";
import { slackBotForTests } from "./slack-bot-fixture.ts";

/** Real names and time zones from users.info, through the real Bolt against a fake Slack. */

const { fake, slash: send } = slackBotForTests();

const slash = async (user: string, text: string, handle = user.toLowerCase()): Promise<string> =>
  messageText(await send(user, text, { userName: handle }));

const usersInfoFor = (user: string) => fake.callsTo("users.info").filter((call) => call.params.user === user);

describe("Slack names and time zones", () => {
  it("GIVEN people with display names THEN the leaderboard shows those names, never their handles", async () => {
    fake.setRoles("U0ANN", { displayName: "Ann Example", realName: "Ann E. Xample" });
    fake.setRoles("U0BEN", { realName: "Ben Real" });
    await slash("U0ANN", "done what-is-release-engineering", "ann.legacy");
    await slash("U0BEN", "done what-is-release-engineering", "ben.legacy");
    const board = await slash("U0ANN", "leaderboard", "ann.legacy");
    expect(board).toContain("Ann Example");
    expect(board).toContain("Ben Real");
    expect(board).not.toContain("legacy");
  });

  it("GIVEN a person's Slack time zone THEN `remind on` without a zone uses it; a reminder they set keeps its own", async () => {
    fake.setRoles("U0TZ", { tz: "America/New_York" });
    expect(await slash("U0TZ", "remind on 08:30")).toContain("America/New_York");
    expect(await slash("U0TZ", "remind on 08:30 Europe/Berlin")).toContain("Europe/Berlin");
    expect(await slash("U0TZ", "remind on 09:00")).toContain("Europe/Berlin");
  });

  it("GIVEN the same person again THEN users.info is not asked again, unless the handle in the payload changed", async () => {
    fake.setRoles("U0SAME", { displayName: "Sam" });
    await slash("U0SAME", "next", "sam");
    await slash("U0SAME", "next", "sam");
    expect(usersInfoFor("U0SAME")).toHaveLength(1);
    fake.setRoles("U0SAME", { displayName: "Samantha" });
    await slash("U0SAME", "done what-is-release-engineering", "samantha");
    expect(usersInfoFor("U0SAME")).toHaveLength(2);
    expect(await slash("U0SAME", "leaderboard", "samantha")).toContain("Samantha");
  });
});
