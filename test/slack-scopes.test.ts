import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { botScopes, methodScopes } from "../src/platforms/slack/scopes.ts";

const root = path.resolve(import.meta.dirname, "..");
const manifestFile = path.join(root, "deploy/slack-app-manifest.yaml");

/** Every .ts file under src/. */
function sources(dir = path.join(root, "src")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(path.join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [path.join(dir, entry.name)]
        : [],
  );
}

/** The Web API methods the code calls: `client.chat.postMessage(`, and filesUploadV2 (the two file methods). */
function calledMethods(): Set<string> {
  const called = new Set<string>();
  for (const file of sources()) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(
      /\bclient\.(chat|conversations|users|files|views|auth|oauth|apps|team|bots|reactions|pins|usergroups|admin)\.(\w+(?:\.\w+)?)\(/g,
    ))
      called.add(`${match[1]}.${match[2]}`);
    if (text.includes("filesUploadV2(")) {
      called.add("files.getUploadURLExternal");
      called.add("files.completeUploadExternal");
    }
  }
  return called;
}

describe("the Slack app's scopes", () => {
  const manifest = YAML.parse(readFileSync(manifestFile, "utf8")) as { oauth_config: { scopes: { bot: string[] } } };
  const listed = manifest.oauth_config.scopes.bot;

  it("GIVEN the code THEN every Web API method it calls has a known scope, and the manifest asks for exactly the scopes they need, the slash command and public posting", () => {
    const called = calledMethods();
    expect(called.size).toBeGreaterThan(5);
    const unknown = [...called].filter((method) => !(method in methodScopes));
    expect(unknown, "a Web API method without a scope in src/platforms/slack/scopes.ts").toEqual([]);
    const needed = new Set<string>(["commands", "chat:write.public"]);
    for (const method of called) {
      const scope = methodScopes[method];
      if (scope) needed.add(scope);
    }
    expect([...listed].sort()).toEqual([...needed].sort());
    expect(Object.keys(botScopes).sort()).toEqual([...needed].sort());
  });

  it("GIVEN the manifest THEN each scope has a comment above it saying why", () => {
    const lines = readFileSync(manifestFile, "utf8").split("\n");
    for (const scope of listed) {
      const at = lines.findIndex((line) => line.trim() === `- ${scope}`);
      expect(at, scope).toBeGreaterThan(0);
      // The reason is the comment block above it, or above the run of scopes it shares a reason with.
      let above = at - 1;
      while (above > 0 && /^\s*- [\w:.]+$/.test(lines[above] ?? "")) above--;
      const comment: string[] = [];
      while (above > 0 && (lines[above] ?? "").trim().startsWith("#")) comment.unshift(lines[above--] ?? "");
      expect(comment.length, `${scope} has no comment saying why`).toBeGreaterThan(0);
      expect(comment.join(" "), `the comment above ${scope} does not name it`).toContain(scope);
    }
  });
});
