import { createInterface, type Interface } from "node:readline/promises";
import type { Readable, Writable } from "node:stream";
import type { Who } from "../../core/command.ts";
import type { Core } from "../../core/core.ts";
import { renderText } from "./render-text.ts";

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  who: Who;
}

const goodbyes = new Set(["exit", "quit", "/exit", "/quit"]);

/** A chat in the terminal as one local user, like hubot's Shell adapter: type commands, read replies. */
export class ConsoleAdapter {
  private lines: Interface | undefined;

  constructor(
    private readonly core: Core,
    private readonly options: ConsoleOptions,
  ) {}

  /** Resolves when the user types exit or closes the input (Ctrl-D). */
  async start(): Promise<void> {
    const { input, output, who } = this.options;
    const terminal = "isTTY" in input && input.isTTY === true;
    const lines = createInterface({ input, output, terminal, prompt: "roadmap> " });
    this.lines = lines;
    // Ctrl-C leaves like Ctrl-D; without a listener readline would only pause and look frozen.
    lines.on("SIGINT", () => lines.close());
    // Piped input gets no prompts, so the output is just the replies.
    const prompt = () => terminal && lines.prompt();
    output.write(
      `roadmap-bot console · ${this.core.defaultRoadmap.title}\nYou are "${who.displayName ?? who.userId}". Try \`stage 17\`, \`next\`, \`help\`; \`exit\` leaves.\n`,
    );
    prompt();
    for await (const line of lines) {
      const text = line.trim();
      if (goodbyes.has(text.toLowerCase())) break;
      if (text !== "") {
        const answer = await this.core.handle({ text, who });
        output.write(`${renderText(answer)}\n`);
      }
      prompt();
    }
    lines.close();
  }

  /** Ends the chat as if the user had typed exit; the command in progress finishes first. */
  stop(): void {
    this.lines?.close();
  }
}
