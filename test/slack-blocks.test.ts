import { describe, expect, it } from "vitest";
import type { Reply } from "../src/core/reply.ts";
import { preparedJson, toSlackMessage, withBlockAppended } from "../src/platforms/slack/blocks.ts";
import { escapeMrkdwn } from "../src/platforms/slack/mrkdwn.ts";
import { blockKitViolations, messageText, type SlackResponse } from "./e2e/fake-slack.ts";

const huge: Reply = {
  private: true,
  outcome: "ok",
  share: "stage 1",
  blocks: [
    { type: "header", text: "H".repeat(400) },
    { type: "text", text: `${"word ".repeat(1_500)}<!channel> & more` },
    {
      type: "fields",
      fields: Array.from({ length: 23 }, (_, i) => ({ label: `Field ${i}`, value: "v".repeat(2_500) })),
    },
    ...Array.from({ length: 80 }, (_, i) => ({
      type: "progress" as const,
      label: `${i}. ${"Stage ".repeat(20)}`,
      done: i,
      total: 80,
    })),
    {
      type: "topics",
      topics: Array.from({ length: 1_000 }, (_, i) => ({
        id: `topic-${i}`,
        title: `Topic ${i} ${"long ".repeat(30)}`,
        level: "required" as const,
        state: "todo" as const,
      })),
    },
    {
      type: "actions",
      buttons: Array.from({ length: 20 }, (_, i) => ({
        label: `Button ${"x".repeat(100)} ${i}`,
        command: `done topic-${i}`,
      })),
    },
    { type: "context", text: "c".repeat(5_000) },
  ],
};

describe("Reply -> Block Kit", () => {
  it("GIVEN a reply far past every limit THEN the message stays inside Block Kit and says what was left out", () => {
    const message = JSON.parse(JSON.stringify(toSlackMessage(huge))) as SlackResponse;
    expect(blockKitViolations(message)).toEqual([]);
    expect(message.blocks?.length).toBeLessThanOrEqual(50);
    // The whole message stays under what chat.postMessage accepts, not only each block.
    expect(JSON.stringify(message.blocks).length).toBeLessThan(12_000);
    expect(messageText(message)).toMatch(/…and \d+ more sections\. Narrow it down with `search <words>`\./);
    // The buttons at the end survive the cut, Share included.
    const actions = (message.blocks ?? []).filter((block) => block.type === "actions");
    expect(actions.flatMap((block) => block.elements ?? []).map((element) => element.action_id)).toContain(
      "roadmap.share",
    );
  });

  it("GIVEN more buttons than one actions block holds THEN they continue in the next, Share last", () => {
    const message = toSlackMessage({
      private: true,
      outcome: "ok",
      share: "stage 2",
      blocks: [
        {
          type: "actions",
          buttons: Array.from({ length: 30 }, (_, i) => ({ label: `B${i}`, command: `stage ${i + 1}` })),
        },
      ],
    });
    const rows = message.blocks.map((block) => (block.type === "actions" ? block.elements.length : 0));
    expect(rows).toEqual([25, 6]);
    const last = message.blocks.at(-1);
    expect(
      last?.type === "actions" && "action_id" in (last.elements.at(-1) ?? {}) ? last.elements.at(-1) : undefined,
    ).toMatchObject({
      action_id: "roadmap.share",
    });
  });

  it("GIVEN user or content text with mention syntax THEN it is escaped everywhere it lands", () => {
    const message = toSlackMessage({
      private: true,
      outcome: "ok",
      blocks: [
        { type: "header", text: "<!channel> header" },
        { type: "text", text: "<!here> & <@U123>" },
        { type: "fields", fields: [{ label: "<!everyone>", value: "<#C1>" }] },
        { type: "topics", topics: [{ id: "x", title: "<!channel>", level: "optional", state: "done", note: "<@U1>" }] },
        { type: "context", text: "<https://evil.example|click>" },
      ],
    });
    const json = JSON.stringify(message.blocks.filter((block) => block.type !== "header"));
    expect(json).not.toMatch(/<[!@#h]/);
    expect(json).toContain("&lt;!here&gt; &amp; &lt;@U123&gt;");
    expect(message.text).toBe("&lt;!channel&gt; header");
  });

  it("GIVEN a private shareable reply THEN a Share button follows its own buttons; a public one has none", () => {
    const buttons = (reply: Reply) =>
      toSlackMessage(reply).blocks.flatMap((block) => (block.type === "actions" ? block.elements : []));
    const privateReply: Reply = {
      private: true,
      outcome: "ok",
      share: "topic helm-templating",
      blocks: [{ type: "actions", buttons: [{ label: "Done", command: "done helm-templating", style: "primary" }] }],
    };
    expect(buttons(privateReply).map((button) => ("action_id" in button ? button.action_id : ""))).toEqual([
      "roadmap.run.0",
      "roadmap.share",
    ]);
    expect(buttons({ ...privateReply, private: false })).toHaveLength(1);
  });

  it("GIVEN text cut right after an escaped ampersand THEN no half entity is left", () => {
    const message = toSlackMessage({
      private: true,
      outcome: "ok",
      blocks: [{ type: "context", text: `${"a".repeat(1_896)}&&&&&&` }],
    });
    const context = message.blocks[0];
    const text =
      context?.type === "context" && context.elements[0] && "text" in context.elements[0]
        ? context.elements[0].text
        : "";
    expect(text).toMatch(/(&amp;)*…$/);
    expect(text).not.toMatch(/&a?m?p?…$/);
  });

  it("GIVEN any reply THEN the JSON bytes made while rendering are exactly the message serialised", () => {
    const tricky: Reply = {
      private: false,
      outcome: "ok",
      blocks: [
        { type: "header", text: 'Quotes " and \\ backslash, tab\t, emoji 🚀' },
        { type: "text", text: 'line one\nline "two" & <three>\u2028end' },
        { type: "progress", label: "Your progress", done: 3, total: 7 },
        { type: "progress", label: 'Stage "two"', done: 0, total: 4 },
        { type: "fields", fields: [{ label: "Level", value: "Required" }] },
        {
          type: "topics",
          topics: [{ id: "a", title: 'A "quoted" title', level: "optional", state: "skipped", note: "n" }],
        },
        { type: "context", text: "ctx ✓" },
      ],
    };
    for (const reply of [huge, tricky, { ...tricky, private: true, share: "stage 3" }]) {
      const message = toSlackMessage(reply);
      const json = preparedJson(message)?.toString("utf8");
      expect(json).toBe(JSON.stringify(message));
      // And again, now from the cache.
      expect(preparedJson(toSlackMessage(reply))?.toString("utf8")).toBe(json);
      // A copy is not the message rendered: whoever sends it serialises it.
      expect(preparedJson({ ...message })).toBeUndefined();
      // A block appended (a picture) keeps the bytes exact, and leaves the message as it was.
      const image = { type: "image" as const, image_url: "https://x.example/a.png", alt_text: 'a "map" ✓' };
      const withImage = withBlockAppended(message, image);
      expect(preparedJson(withImage)?.toString("utf8")).toBe(JSON.stringify(withImage));
      expect(withImage.blocks.at(-1)).toEqual(image);
      expect(preparedJson(message)?.toString("utf8")).toBe(json);
    }
    const empty = withBlockAppended({ response_type: "ephemeral", text: "t", blocks: [] }, { type: "divider" });
    expect(preparedJson(empty)).toBeUndefined();
  });

  it("GIVEN the same topic at another place or from another roadmap THEN each answer shows its own button and title", () => {
    const line = (id: string, title: string) => ({
      id,
      title,
      level: "required" as const,
      state: "todo" as const,
      action: { label: "Done", command: `done ${id}` },
    });
    const actionIdsOf = (reply: Reply) =>
      toSlackMessage(reply).blocks.flatMap((block) =>
        block.type === "section" && block.accessory && "action_id" in block.accessory
          ? [block.accessory.action_id]
          : [],
      );
    const two: Reply = {
      private: true,
      outcome: "ok",
      blocks: [{ type: "topics", topics: [line("a", "A"), line("b", "B")] }],
    };
    const one: Reply = { private: true, outcome: "ok", blocks: [{ type: "topics", topics: [line("b", "B")] }] };
    expect(actionIdsOf(two)).toEqual(["roadmap.run.0", "roadmap.run.1"]);
    expect(actionIdsOf(one)).toEqual(["roadmap.run.0"]);
    const other: Reply = { private: true, outcome: "ok", blocks: [{ type: "topics", topics: [line("b", "Other B")] }] };
    expect(JSON.stringify(toSlackMessage(other))).toContain("*Other B*");
    expect(JSON.stringify(toSlackMessage(one))).toContain("*B*");
  });

  it("GIVEN a rendered message THEN changing a block it shares with other answers fails instead of changing them", () => {
    const reply: Reply = { private: true, outcome: "ok", blocks: [{ type: "header", text: "Shared header" }] };
    const first = toSlackMessage(reply).blocks[0];
    expect(() => {
      if (first?.type === "header") first.text.text = "changed";
    }).toThrow(TypeError);
    expect(toSlackMessage(reply).blocks[0]).toMatchObject({ text: { text: "Shared header" } });
  });

  it("GIVEN escapeMrkdwn THEN only &, < and > change", () => {
    expect(escapeMrkdwn("a & b < c > d * _ ` ~")).toBe("a &amp; b &lt; c &gt; d * _ ` ~");
  });
});
