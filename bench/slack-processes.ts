/**
 * Servers run as processes of their own, measured from outside: the bot as users run it (the bin,
 * on dist/), and what the benches read about a process from /proc.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/**
 * utime + stime of a process, or of one of its threads, in clock ticks (USER_HZ, 100 a second);
 * undefined once it is gone.
 */
export function cpuTicks(pid: number, thread?: number): number | undefined {
  return statFields(
    thread === undefined ? `${pid}` : `${pid}/task/${thread}`,
    (fields) => Number(fields[11]) + Number(fields[12]),
  );
}

/** A process's /proc stat fields after its name (field 3 onwards), read by `pick`; undefined once it has gone. */
function statFields<T>(pid: number | string, pick: (fields: string[]) => T): T | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return pick(stat.slice(stat.lastIndexOf(")") + 2).split(" "));
  } catch {
    return undefined;
  }
}

/** The live children of a process, found by their parent in /proc (this kernel has no task/children file). */
export function childPids(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => statFields(child, (fields) => Number(fields[1])) === pid);
}

/**
 * CPU ticks of a process and of the processes it started (the bot's picture renderer): its own,
 * its children's that ended and were collected (cutime, cstime), and its live children's.
 */
export function treeCpuTicks(pid: number): number | undefined {
  const own = statFields(
    pid,
    (fields) => Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
  );
  if (own === undefined) return undefined;
  return childPids(pid).reduce((sum, child) => sum + (cpuTicks(child) ?? 0), own);
}

/** Resident memory now (VmRSS) of a process and its live children, in MiB. */
export function treeRssMiB(pid: number): number {
  return [pid, ...childPids(pid)].reduce((sum, one) => {
    try {
      const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${one}/status`, "utf8"))?.[1];
      return sum + Number(kib ?? 0) / 1024;
    } catch {
      return sum;
    }
  }, 0);
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
