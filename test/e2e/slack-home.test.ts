import { describe, expect, it } from "vitest";
import { blockKitViolations, clickBody, labelOf, messageText, postSigned, type SlackBlock } from "./fake-slack.ts";
import { signingSecret, slackBotForTests } from "./slack-bot-fixture.ts";

/** Slack's App Home through the real Bolt against a fake Slack: the dashboard, kept fresh, and its buttons. */

// Long enough that three commands sent at once fall inside one debounce of the Home tab.
const { fake, events, slash: send } = slackBotForTests({ refreshAfterMs: 300 });

interface View {
  type: string;
  blocks: SlackBlock[];
  title?: { text: string };
}

const callsOf = (method: string) => fake.apiCalls.filter((call) => call.method === method);
const viewOf = (call: { params: Record<string, string> } | undefined): View =>
  JSON.parse(call?.params.view ?? "{}") as View;

async function openHome(user: string, tab = "home"): Promise<void> {
  const body = JSON.stringify({
    token: "legacy-token",
    team_id: "T0TEST",
    api_app_id: "A0TEST",
    type: "event_callback",
    event_id: `Ev${user}${tab}${Math.random()}`,
    event_time: 1_773_050_400,
    event: { type: "app_home_opened", user, channel: `D${user.slice(1)}`, tab, event_ts: "1773050400.000100" },
  });
  const answer = await postSigned(events(), body, { secret: signingSecret, contentType: "application/json" });
  expect(answer.status).toBe(200);
}

const slash = (user: string, text: string) => send(user, text);

const publishedFor = (user: string) => callsOf("views.publish").filter((call) => call.params.user_id === user);

/** Polls until `calls()` holds at least `count` calls (a few seconds at most). */
async function until(calls: () => unknown[], count: number): Promise<void> {
  for (let tries = 0; calls().length < count; tries++) {
    if (tries > 500) throw new Error(`${calls().length} calls, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("Slack App Home", () => {
  it("GIVEN the Home tab opened THEN a valid dashboard is published; opening it again unchanged or the Messages tab publishes nothing", async () => {
    await openHome("U0HOMEA");
    await until(() => publishedFor("U0HOMEA"), 1);
    const [call] = publishedFor("U0HOMEA");
    const view = viewOf(call);
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(blockKitViolations({ blocks: view.blocks })).toEqual([]);
    const text = messageText({ blocks: view.blocks });
    for (const words of ["Overall", "Required", "Streak", "Team this week", "Reviews due", "Next up:", "Stage 1 ·"])
      expect(text).toContain(words);
    const labels = view.blocks.flatMap((block) => block.elements ?? []).map((element) => labelOf(element));
    expect(labels).toEqual(expect.arrayContaining(["Done", "Learning", "Skip"]));

    await openHome("U0HOMEA");
    await openHome("U0HOMEA", "messages");
    await slash("U0HOMEA", "stage 2");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(publishedFor("U0HOMEA")).toHaveLength(1);
  });

  it("GIVEN three quick `done` commands THEN the Home tab is published again once, showing them; the answers are unchanged", async () => {
    await openHome("U0HOMEB");
    await until(() => publishedFor("U0HOMEB"), 1);
    const before = publishedFor("U0HOMEB").length;
    const answers = await Promise.all(
      ["what-is-release-engineering", "release-engineering-vs-devops-vs-sre", "the-software-delivery-lifecycle"].map(
        (topic) => slash("U0HOMEB", `done ${topic}`),
      ),
    );
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain("went wrong");
    await until(() => publishedFor("U0HOMEB"), before + 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = publishedFor("U0HOMEB");
    expect(after).toHaveLength(before + 1);
    const text = messageText({ blocks: viewOf(after.at(-1)).blocks });
    expect(text).toMatch(/3\/112 · 3%\s+Overall/);
    expect(text).toContain("1st of 1");
  });

  it("GIVEN Done clicked on the Home tab THEN its answer opens in a modal and the dashboard follows; a click inside the modal updates it", async () => {
    await openHome("U0HOMEC");
    await until(() => publishedFor("U0HOMEC"), 1);
    const home = viewOf(publishedFor("U0HOMEC")[0]);
    const done = home.blocks.flatMap((block) => block.elements ?? []).find((element) => labelOf(element) === "Done");
    if (!done) throw new Error("the dashboard has no Done button");
    const click = (view: { id: string; type: "home" | "modal" }) =>
      postSigned(
        events(),
        clickBody({
          team: "T0TEST",
          button: done,
          person: { user: "U0HOMEC", name: "cy" },
          channelId: "",
          responseUrl: "",
          ephemeral: false,
          view,
        }),
        { secret: signingSecret },
      );
    const opened = callsOf("views.open").length;
    expect((await click({ id: "VHOME", type: "home" })).status).toBe(200);
    await until(() => callsOf("views.open"), opened + 1);
    const modal = viewOf(callsOf("views.open").at(-1));
    expect(modal.type).toBe("modal");
    expect(modal.title?.text).toBe("roadmap-bot");
    expect(blockKitViolations({ blocks: modal.blocks })).toEqual([]);
    expect(callsOf("views.open").at(-1)?.params.trigger_id).toBe("12345.98765.abcd");
    await until(() => publishedFor("U0HOMEC"), 2);
    expect(messageText({ blocks: viewOf(publishedFor("U0HOMEC").at(-1)).blocks })).toMatch(/1\/112 · 1%\s+Overall/);

    const updated = callsOf("views.update").length;
    expect((await click({ id: "VMODAL", type: "modal" })).status).toBe(200);
    await until(() => callsOf("views.update"), updated + 1);
    expect(callsOf("views.update").at(-1)?.params.view_id).toBe("VMODAL");
  });

  it("GIVEN views.publish failing THEN the command that caused it answers as always", async () => {
    fake.failMethod("views.publish", "internal_error");
    try {
      const answer = await slash("U0HOMED", "done what-is-release-engineering");
      expect(JSON.stringify(answer)).toContain("Marked What is Release Engineering? as done");
      await until(() => publishedFor("U0HOMED"), 1);
      expect(publishedFor("U0HOMED").map((call) => call.error)).toEqual(["internal_error"]);
      expect((await slash("U0HOMED", "progress")).response_type).toBe("ephemeral");
    } finally {
      fake.clearScripts();
    }
  });
});
