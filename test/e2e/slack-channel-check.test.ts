import { beforeAll, describe, expect, it } from "vitest";
import { messageText } from "./fake-slack.ts";
import { slackBotForTests } from "./slack-bot-fixture.ts";

/** `daily on` checks first that the bot can post in the channel: through the real Bolt against a fake Slack. */

const { fake, slash: send } = slackBotForTests();
beforeAll(() => fake.setRoles("U0ADMIN", { is_admin: true }));

const slash = async (text: string, channelId: string): Promise<string> =>
  messageText(await send("U0ADMIN", text, { channelId }));

describe("Slack: daily on in a channel the bot cannot post to", () => {
  it("GIVEN a private channel the bot was not invited to THEN `daily on` says to /invite it and turns nothing on; once invited it works", async () => {
    fake.privateChannel("C0SECRET", false);
    const refused = await slash("daily on 09:00", "C0SECRET");
    expect(refused).toContain("not a member of this private channel");
    expect(refused).toContain("/invite @roadmap-bot");
    expect(await slash("daily status", "C0SECRET")).toContain("This channel has no daily topic");
    fake.privateChannel("C0SECRET", true);
    expect(await slash("daily on 09:00", "C0SECRET")).toContain("09:00");
    expect(fake.callsTo("conversations.info").map((call) => call.params.channel)).toEqual(["C0SECRET", "C0SECRET"]);
  });

  it("GIVEN a public channel THEN `daily on` goes ahead, and commands other than daily on never ask Slack about the channel", async () => {
    const before = fake.callsTo("conversations.info").length;
    expect(await slash("stage 1", "C0PUBLIC")).toContain("Stage 1");
    expect(fake.callsTo("conversations.info")).toHaveLength(before);
    expect(await slash("daily on 10:00", "C0PUBLIC")).toContain("10:00");
  });
});
