/**
 * The two clients bench/discord.ts compares, each a plain `node` process of its own: the bot as
 * users run it (`roadmap-bot start`, the bundle in dist/, only Discord configured) and a bare
 * discord.js client that replies a constant. Neither runs through a TypeScript loader, so their
 * memory and CPU are what production would see.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import path from "node:path";
import { bareReply } from "./discord-expect.ts";

export { ensureBuilt } from "./ensure-built.ts";

const root = path.resolve(import.meta.dirname, "..");

/**
 * The bare client: discord.js with the bot's intents (none: interactions need none), replying the
 * way the bot does (ephemeral, no mentions) with a constant through interaction.reply(), as a
 * discord.js app would. Plain JavaScript, run by `node --input-type=module`.
 */
const bareSource = `
import { Client, Events, MessageFlags } from "discord.js";
const client = new Client({ intents: [], rest: { api: process.env.DISCORD_API_URL } });
client.on(Events.Error, (error) => console.error("client error", error));
client.on(Events.InteractionCreate, (interaction) => {
  if (!interaction.isChatInputCommand()) return;
  interaction
    .reply({ content: ${JSON.stringify(bareReply)}, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } })
    .catch((error) => console.error("reply failed", error));
});
client.once(Events.ClientReady, () => console.error("bare client ready"));
process.once("SIGTERM", () => client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
`;

/** A client process: its output kept for messages, its readiness told by a line it logs. */
export class ClientProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly ready: Promise<void>;
  /** The last of what it wrote, for messages. */
  output = "";
  /** Lines that say something went wrong: pino level 50+ (error, fatal), or any line from the bare client but its ready line. */
  readonly problems: string[] = [];

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
    readyLine: RegExp,
    isProblem: (line: string) => boolean,
    /** Where to keep everything it writes (for --trace-gc and the like), besides the tail kept here. */
    logFile?: string,
  ) {
    this.child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", ...env } });
    let partial = "";
    this.ready = new Promise<void>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        const text = chunk.toString();
        this.output = (this.output + text).slice(-20_000);
        if (logFile) appendFileSync(logFile, text);
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          if (readyLine.test(line)) resolve();
          else if (isProblem(line) && this.problems.length < 20) this.problems.push(line.slice(0, 500));
        }
      };
      this.child.stdout.on("data", read);
      this.child.stderr.on("data", read);
      this.child.once("exit", (code) =>
        reject(new Error(`${name} exited ${code} before it was ready: ${this.output}`)),
      );
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMiB(): number {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, "utf8"))?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  }

  /** CPU time used so far (user + system), in ms. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, in clock ticks of 10 ms (USER_HZ 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** SIGTERM; resolves with the exit code (null if it had to be killed after 15 s). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exit = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    try {
      return await exit;
    } finally {
      clearTimeout(timer);
    }
  }
}

const pinoLevel = (line: string): number => Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);

export interface BotProcessOptions {
  apiUrl: string;
  token: string;
  applicationId: string;
  storeUrl: string;
  /** The bot's CLI (default: this checkout's bin/roadmap-bot.js). */
  bin?: string;
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile the client under load. */
  nodeArgs?: string[];
  /** A file to write all of the client's output to. */
  logFile?: string;
}

/** `roadmap-bot start` with only Discord configured, logging at info as by default; ready once its HTTP server listens. */
export function startBotProcess(options: BotProcessOptions): ClientProcess {
  return new ClientProcess(
    "roadmap-bot",
    [...(options.nodeArgs ?? []), options.bin ?? path.join(root, "bin", "roadmap-bot.js"), "start"],
    {
      DISCORD_TOKEN: options.token,
      DISCORD_APPLICATION_ID: options.applicationId,
      DISCORD_API_URL: options.apiUrl,
      STORE_URL: options.storeUrl,
      PORT: "0",
      CONTENT_DIR: path.join(root, "content"),
      LOG_LEVEL: "info",
    },
    /"msg":"http server listening"/,
    (line) => pinoLevel(line) >= 50,
    options.logFile,
  );
}

/** The bare discord.js client, ready once it logged in. */
export function startBareProcess(
  options: Pick<BotProcessOptions, "apiUrl" | "token" | "nodeArgs" | "logFile">,
): ClientProcess {
  return new ClientProcess(
    "bare discord.js",
    [...(options.nodeArgs ?? []), "--input-type=module", "-e", bareSource],
    { DISCORD_TOKEN: options.token, DISCORD_API_URL: options.apiUrl },
    /^bare client ready$/,
    (line) => line.trim() !== "",
    options.logFile,
  );
}
