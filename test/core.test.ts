import { describe, expect, it } from "vitest";
import { Core } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { type Logger, silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { type Store, StoreError } from "../src/store/store.ts";
import { alice, ask, bob, fixedNow, makeCore, shippedRoadmaps, textOf } from "./helpers.ts";

const topicsOf = (reply: Reply) => reply.blocks.flatMap((block) => (block.type === "topics" ? block.topics : []));
const fieldsOf = (reply: Reply) =>
  Object.fromEntries(
    reply.blocks.flatMap((block) => (block.type === "fields" ? block.fields : [])).map((f) => [f.label, f.value]),
  );
const headerOf = (reply: Reply) => reply.blocks.find((block) => block.type === "header");
const buttonsOf = (reply: Reply) => reply.blocks.flatMap((block) => (block.type === "actions" ? block.buttons : []));

describe("reading the roadmap", () => {
  it("GIVEN `stage 17` THEN the reply is ArgoCD with its five topics and the user's statuses", async () => {
    const { core } = await makeCore();
    await ask(core, "done applicationsets");
    const reply = await ask(core, "/roadmap stage 17");
    expect(reply.outcome).toBe("ok");
    expect(headerOf(reply)).toEqual({ type: "header", text: "Stage 17 · ArgoCD" });
    expect(topicsOf(reply).map((t) => [t.title, t.level, t.state])).toEqual([
      ["ArgoCD Architecture", "required", "todo"],
      ["ApplicationSets", "required", "done"],
      ["Sync Policies & Waves", "required", "todo"],
      ["ArgoCD RBAC & SSO", "recommended", "todo"],
      ["ArgoCD Image Updater", "recommended", "todo"],
    ]);
    expect(reply.blocks).toContainEqual({ type: "progress", label: "Your progress", done: 1, total: 5 });
  });

  it("GIVEN `stages` THEN every stage has a progress bar of the asking user", async () => {
    const { core } = await makeCore();
    await ask(core, "done dora-metrics");
    const bars = (await ask(core, "stages")).blocks.filter((block) => block.type === "progress");
    expect(bars).toHaveLength(26);
    expect(bars[0]).toEqual({ type: "progress", label: "1. Release Engineering Foundations", done: 1, total: 4 });
    const bobsBars = (await ask(core, "stages", bob)).blocks.filter((block) => block.type === "progress");
    expect(bobsBars[0]).toMatchObject({ done: 0 });
  });

  it("GIVEN `topic helm templating` THEN the card shows level, stage context and one-click buttons", async () => {
    const { core } = await makeCore();
    const reply = await ask(core, "topic helm templating");
    expect(headerOf(reply)).toEqual({ type: "header", text: "Helm Templating" });
    expect(fieldsOf(reply)).toEqual({
      Level: "Required",
      Stage: "15 · Helm & Kubernetes Packaging",
      Topic: "2 of 5 in this stage",
      "Your status": "Not started",
    });
    expect(buttonsOf(reply).map((button) => button.command)).toEqual([
      "done helm-templating",
      "start helm-templating",
      "skip helm-templating",
      "next",
    ]);
  });

  it("GIVEN `search canary` THEN Canary Deployments comes first with its stage", async () => {
    const { core } = await makeCore();
    const [first] = topicsOf(await ask(core, "search canary"));
    expect(first).toMatchObject({ id: "canary-deployments", note: "stage 7" });
  });

  it("GIVEN `help` THEN every command is listed with its usage", async () => {
    const { core } = await makeCore();
    const text = textOf(await ask(core, "help"));
    for (const usage of ["`stage <stage>`", "`topic <topic>`", "`done <topic>`", "`undo <topic>`", "`progress`"]) {
      expect(text).toContain(usage);
    }
  });
});

describe("next", () => {
  it("GIVEN a new user THEN next is the first Required topic", async () => {
    const { core } = await makeCore();
    expect(headerOf(await ask(core, "next"))).toEqual({
      type: "header",
      text: "Next up: What is Release Engineering?",
    });
  });

  it("GIVEN stage 1 done THEN next is the first Required topic of stage 2, not stage 1's neighbours", async () => {
    const { core } = await makeCore();
    for (const id of [
      "what-is-release-engineering",
      "release-engineering-vs-devops-vs-sre",
      "the-software-delivery-lifecycle",
      "dora-metrics",
    ]) {
      await ask(core, `done ${id}`);
    }
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Next up: Advanced Git Workflows" });
  });

  it("GIVEN every Required topic done THEN next is the first Recommended one, then Optional ones", async () => {
    const { core } = await makeCore();
    const roadmap = core.defaultRoadmap;
    for (const topic of roadmap.topics.filter((t) => t.level === "required")) await ask(core, `done ${topic.id}`);
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Next up: Monorepo vs Polyrepo" });
    for (const topic of roadmap.topics.filter((t) => t.level === "recommended")) await ask(core, `done ${topic.id}`);
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Next up: AWS CodeCommit" });
  });

  it("GIVEN a skipped topic THEN next passes over it until everything else is done", async () => {
    const { core } = await makeCore();
    await ask(core, "skip what-is-release-engineering");
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Next up: Release Engineering vs DevOps vs SRE" });
    for (const topic of core.defaultRoadmap.topics.slice(1)) await ask(core, `done ${topic.id}`);
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Next up: What is Release Engineering?" });
    await ask(core, "done what-is-release-engineering");
    expect(headerOf(await ask(core, "next"))).toMatchObject({ text: "Roadmap complete" });
  });
});

describe("marking topics", () => {
  it("GIVEN done, start, skip and undo THEN the status follows and the reply says what changed", async () => {
    const { core } = await makeCore();
    expect(textOf(await ask(core, "done argocd architecture"))).toContain(
      "Marked ArgoCD Architecture as done. 1/112 done (1%).",
    );
    expect(textOf(await ask(core, "done argocd-architecture"))).toContain("was already marked done; nothing changed");
    expect(textOf(await ask(core, "learning argocd-architecture"))).toContain(
      "Marked ArgoCD Architecture as learning. 0/112 done (0%).",
    );
    expect(textOf(await ask(core, "skip argocd-architecture"))).toContain("as skipped");
    expect(textOf(await ask(core, "undo argocd-architecture"))).toContain("back to not started (was skipped)");
    expect(textOf(await ask(core, "undo argocd-architecture"))).toContain("has no status to undo");
    expect(fieldsOf(await ask(core, "topic argocd-architecture"))["Your status"]).toBe("Not started");
  });

  it("GIVEN two people THEN each one's marks are their own", async () => {
    const { core } = await makeCore();
    await ask(core, "done helm-templating", alice);
    expect(fieldsOf(await ask(core, "topic helm-templating", bob))["Your status"]).toBe("Not started");
    expect(fieldsOf(await ask(core, "topic helm-templating", alice))["Your status"]).toBe("Done");
  });

  it("GIVEN the fixed clock THEN the stored status carries its timestamp", async () => {
    const { core, store } = await makeCore();
    await ask(core, "done helm-templating");
    expect(await store.get(keys.progress("release-engineer", alice))).toEqual({
      topics: { "helm-templating": { status: "done", since: "2026-03-02T10:00:00.000Z" } },
    });
  });
});

describe("progress", () => {
  it("GIVEN one topic of 112 done THEN overall reads 1/112 and 1%, per level and per stage", async () => {
    const { core } = await makeCore();
    await ask(core, "done argocd-rbac-sso");
    const reply = await ask(core, "progress");
    expect(reply.blocks).toContainEqual({ type: "progress", label: "Overall", done: 1, total: 112 });
    expect(textOf(reply)).toContain("1/112   1%  Overall");
    expect(fieldsOf(reply)).toMatchObject({
      Required: "0/71 (0%)",
      Recommended: "1/33 (3%)",
      Optional: "0/8 (0%)",
      "Current stage": "Stage 1 · Release Engineering Foundations",
    });
    expect(reply.blocks).toContainEqual({ type: "progress", label: "17. ArgoCD", done: 1, total: 5 });
  });

  it("GIVEN 111 of 112 done THEN it shows 99%, not 100%", async () => {
    const { core } = await makeCore();
    for (const topic of core.defaultRoadmap.topics.slice(1)) await ask(core, `done ${topic.id}`);
    expect(textOf(await ask(core, "progress"))).toContain("111/112  99%  Overall");
  });
});

describe("bad input gets one clear reply", () => {
  it.each([
    [
      "stage 99",
      "There is no stage “99”: stages are numbered 1 to 26. Try `stages` to list them, or `stage 1` to begin.",
    ],
    [
      "stage -1",
      "There is no stage “-1”: stages are numbered 1 to 26. Try `stages` to list them, or `stage 1` to begin.",
    ],
    ["", "That command was empty. Type `help` to see what I can do, or `next` for your next topic."],
    ["frobnicate", "I don't know the command “frobnicate”. Type `help` for the list of commands."],
    ["next now", "`next` takes nothing after it. Type just `next`."],
    ["done", "`done` needs a topic name or id. For example `done argocd-architecture`."],
  ])("GIVEN %j THEN the reply is %j", async (text, expected) => {
    const { core } = await makeCore();
    const reply = await ask(core, text);
    expect(reply.outcome).toBe("user-error");
    expect(textOf(reply)).toBe(expected);
  });

  it.each([
    ["an unknown stage name", "stage abc"],
    ["an unknown topic", "done no-such-topic"],
    ["a 10,000-character argument", `topic ${"x".repeat(10_000)}`],
    ["control characters", "stage \u0000\u0001\u001b[31m"],
  ])("GIVEN %s THEN it is a one-line user error with a hint", async (_, text) => {
    const { core } = await makeCore();
    const reply = await ask(core, text);
    expect(reply.outcome).toBe("user-error");
    const shown = textOf(reply);
    expect(shown).not.toContain("\n");
    expect(shown).toMatch(/Try|Type|Did you mean|For example/);
    expect(shown.length).toBeLessThan(300);
  });

  it("GIVEN `done` with an unknown topic THEN nothing is written", async () => {
    const { core, store } = await makeCore();
    await ask(core, "done no-such-topic");
    expect(await store.get(keys.progress("release-engineer", alice))).toBeUndefined();
  });
});

describe("stored values are validated", () => {
  it("GIVEN a corrupt entry beside a good one THEN the good one counts and the bad one is skipped", async () => {
    const store = openMemoryStore(silentLogger);
    await store.set(keys.progress("release-engineer", alice), {
      topics: {
        "dora-metrics": { status: "done", since: "2026-01-01T00:00:00.000Z" },
        "helm-templating": { status: "finished?" },
      },
    });
    const { core } = await makeCore({ store });
    const reply = await ask(core, "progress");
    expect(reply.outcome).toBe("ok");
    expect(reply.blocks).toContainEqual({ type: "progress", label: "Overall", done: 1, total: 112 });
  });

  it("GIVEN a stored value that is not a progress document THEN the person starts fresh, and can write again", async () => {
    const store = openMemoryStore(silentLogger);
    await store.set(keys.progress("release-engineer", alice), "garbage");
    const { core } = await makeCore({ store });
    expect((await ask(core, "progress")).outcome).toBe("ok");
    expect(textOf(await ask(core, "done dora-metrics"))).toContain("1/112 done");
  });
});

describe("identities", () => {
  it("GIVEN a user id with a lone surrogate THEN the command still works", async () => {
    const { core } = await makeCore();
    const odd = { platform: "test", userId: "U\ud800" };
    expect((await ask(core, "done dora-metrics", odd)).outcome).toBe("ok");
    expect(textOf(await ask(core, "progress", odd))).toContain("1/112");
  });

  it("GIVEN a long input with emoji THEN the quoted part is cut between characters, never inside one", async () => {
    const { core } = await makeCore();
    const family = "👨‍👩‍👧";
    const shown = textOf(await ask(core, `topic ${"a".repeat(30)}${family}${family}`));
    expect(shown).toContain(`“${"a".repeat(30)}${family}…”`);
  });
});

describe("internal errors", () => {
  it("GIVEN a store that fails THEN the reply is a generic apology with the internal-error outcome", async () => {
    const failing = openMemoryStore(silentLogger);
    failing.get = async () => {
      throw new Error("disk on fire");
    };
    const { core } = await makeCore({ store: failing });
    const reply = await ask(core, "progress");
    expect(reply.outcome).toBe("internal-error");
    expect(textOf(reply)).toBe("Sorry, something went wrong on my side. Please try again in a minute.");
    expect(textOf(reply)).not.toContain("disk on fire");
  });
});

describe("an unavailable store", () => {
  /** A memory store whose reads and writes reject as a backend that is down does. */
  function downStore(fail: () => Error): Store {
    const inner = openMemoryStore(silentLogger);
    return Object.assign(Object.create(inner) as Store, {
      get: async () => {
        throw fail();
      },
      set: async () => {
        throw fail();
      },
    });
  }

  async function coreOn(store: Store) {
    const lines: { level: string; details: Record<string, unknown>; message: string }[] = [];
    const record =
      (level: string) =>
      (details: object, message: string): void => {
        lines.push({ level, details: details as Record<string, unknown>, message });
      };
    const logger: Logger = {
      debug: record("debug"),
      info: record("info"),
      warn: record("warn"),
      error: record("error"),
    };
    const core = new Core({
      roadmaps: await shippedRoadmaps(),
      ...repositories(store, silentLogger, "UTC"),
      logger,
      clock: () => fixedNow,
    });
    return { core, lines };
  }

  it("GIVEN get and set reject with StoreError THEN `done` says storage is unavailable, claims nothing was saved, and asks to try again in a minute", async () => {
    const { core, lines } = await coreOn(downStore(() => new StoreError("redis is down")));
    const reply = await core.handle({ text: "done argocd-architecture", who: alice, requestId: "req-1" });
    expect(reply.outcome).toBe("internal-error");
    const text = textOf(reply);
    expect(text).toMatch(/storage is unavailable/i);
    expect(text).toContain("Try again in a minute.");
    expect(text).not.toMatch(/\b(saved|marked|recorded)\b/i);
    expect(text).not.toContain("redis is down");
    expect(lines.map(({ level, message }) => [level, message])).toEqual([
      ["warn", "store unavailable; command not completed"],
    ]);
    expect(lines[0]?.details).toMatchObject({ requestId: "req-1", command: "done" });
  });

  it("GIVEN an error caused by a StoreError THEN it gets the same answer, and a generated request id is logged", async () => {
    const { core, lines } = await coreOn(
      downStore(() => new Error("reading progress failed", { cause: new StoreError("sqlite busy") })),
    );
    const reply = await core.handle({ text: "progress", who: alice });
    expect(textOf(reply)).toMatch(/storage is unavailable.*Try again in a minute\./i);
    expect(lines[0]?.level).toBe("warn");
    expect(lines[0]?.details).toMatchObject({ command: "progress", requestId: expect.stringMatching(/^[0-9a-f]{8}$/) });
  });

  it("GIVEN an ordinary failure THEN the log line carries the request id and the command, not the user's text", async () => {
    const { core, lines } = await coreOn(downStore(() => new Error("disk on fire")));
    await core.handle({ text: "stage 17", who: alice, requestId: "req-2" });
    expect(lines.map(({ level, message }) => [level, message])).toEqual([["error", "command failed"]]);
    expect(lines[0]?.details).toMatchObject({ requestId: "req-2", command: "stage" });
  });
});
