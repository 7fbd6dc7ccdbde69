import type { Command } from "../../src/core/command.ts";
import { commands } from "../../src/core/commands/index.ts";
import { Core } from "../../src/core/core.ts";
import { reply } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/logger.ts";
import { repositories } from "../../src/repositories.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { fixedNow, shippedRoadmaps } from "../helpers.ts";

export const exportFileName = "roadmap-bot-export.json";

/** Characters that must survive every platform byte for byte: markup, mentions, non-ASCII. */
export const exportDocument = (userId: string, padding = 0): string =>
  JSON.stringify(
    {
      user: userId,
      name: "Zoë <@U0BOSS> & <!channel> ```",
      done: ["argocd-architecture"],
      ...(padding > 0 ? { notes: "x".repeat(padding) } : {}),
    },
    null,
    2,
  );

export interface ExportOptions {
  /** Extra characters in the document, to make it too long to show inline. */
  padding?: number;
  /** The command answers only once this settles: a slow store, so platforms defer first. */
  gate?: Promise<void>;
}

/**
 * A stand-in for the coming `export` command: the platforms' file handling is tested without it.
 * Its document names the asker, so a test can tell whose file arrived where.
 */
export const exportCommand = ({ padding = 0, gate }: ExportOptions = {}): Command => ({
  name: "export",
  summary: "Your data as one JSON file",
  run: async ({ who }) => {
    await gate;
    return reply([{ type: "text", text: "Your data" }], {
      file: { name: exportFileName, content: exportDocument(who.userId, padding) },
    });
  },
});

/** The core with every shipped command plus the stand-in export, on an in-memory store. */
export async function coreWithExport(options: ExportOptions = {}): Promise<Core> {
  const store = openMemoryStore(silentLogger);
  return new Core({
    roadmaps: await shippedRoadmaps(),
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => fixedNow,
    commands: [...commands.filter((command) => command.name !== "export"), exportCommand(options)],
  });
}
