import type { Command } from "../command.ts";
import { quote } from "../errors.ts";
import { reply } from "../reply.ts";
import { topicLine } from "../views.ts";

const limit = 10;

export default {
  name: "search",
  aliases: ["find"],
  summary: "Find topics by words in their title or description",
  argument: { name: "words", description: "Words to look for", required: true, kind: "text", example: "search canary" },
  async run({ roadmap, lookup, progress, who, arg }) {
    const found = lookup.search(arg, limit);
    if (found.length === 0) {
      return reply([
        {
          type: "text",
          text: `No topic mentions ${quote(arg)}. Try fewer or shorter words, or \`${lookup.command("stages")}\` to browse.`,
        },
      ]);
    }
    const mine = await progress.load(roadmap, who);
    return reply(
      [
        { type: "header", text: `Topics for ${quote(arg)}` },
        { type: "topics", topics: found.map((topic) => topicLine(lookup, topic, mine, `stage ${topic.stageNumber}`)) },
        {
          type: "context",
          text: `Open one with \`${lookup.command("topic <id>")}\`, or mark it with \`${lookup.command("done <id>")}\`.`,
        },
      ],
      { share: lookup.command(`search ${arg}`) },
    );
  },
} satisfies Command;
