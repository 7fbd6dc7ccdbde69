/**
 * Servers run as processes of their own, measured from outside: the bot as users run it (the bin,
 * on dist/), and what the benches read about a process from /proc.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** utime + stime of a process, in clock ticks (USER_HZ, 100 a second); undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Peak resident memory (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) / 1024;
}

/**
 * A Node server in a process of its own, started with plain `node` (no loader, which would add its
 * own memory and start-up), with only the environment given. It is ready once it logs a line with
 * `"port":N` and `listening`, as the bot's pino log and bench/slack-bare.js both do. What it
 * prints is read all along (a full pipe would stall it) and its tail kept for error messages.
 */
export class ServerProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: Promise<number>;
  private logs = "";

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", ...env } });
    this.port = new Promise<number>((resolve, reject) => {
      let partial = "";
      const read = (chunk: Buffer) => {
        const text = chunk.toString();
        this.logs = (this.logs + text).slice(-5_000);
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) {
          const port = /"port":(\d+)/.exec(line);
          if (port && line.includes("listening")) resolve(Number(port[1]));
        }
      };
      this.child.stdout.on("data", read);
      this.child.stderr.on("data", read);
      this.child.once("exit", (code) => reject(new Error(`${name} exited ${code} before listening: ${this.logs}`)));
    });
    this.port.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last few thousand characters it printed. */
  get output(): string {
    return this.logs;
  }

  stop(): Promise<number | null> {
    return stopProcess(this.child);
  }
}

/** SIGTERM, as an orchestrator stops a process; resolves with its exit code (SIGKILL after 15 s: null). */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    return await exit;
  } finally {
    clearTimeout(timer);
  }
}
