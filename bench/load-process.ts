/**
 * A load generator as a process of its own (forked, through tsx), so its CPU is not the servers':
 * the parent's handle, ForkedGenerator, and the child's order loop, serveOrders. One order at a
 * time over the IPC channel; the child tells when the measured window opens and closes, so the
 * parent can read a server's CPU over the same span.
 */
import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";

export type LoadMessage<Result> =
  | { type: "ready" }
  | { type: "window"; edge: "start" | "end" }
  | { type: "result"; result: Result };

/** In the child: tells the parent something (nothing when run alone). */
export const tellParent = <Result>(message: LoadMessage<Result>) => process.send?.(message);

/** The parent's handle on `file` run as a process of its own. */
export class ForkedGenerator<Order, Result> {
  readonly child: ChildProcess;
  private listener: ((message: LoadMessage<Result>) => void) | undefined;
  private readonly ready: Promise<void>;

  constructor(file: string) {
    this.child = fork(file, [], {
      cwd: path.resolve(import.meta.dirname, ".."),
      execArgv: ["--import", "tsx"],
      // Structured clone, so NaN (no writes in a window) arrives as NaN, not null.
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise<void>((resolve, reject) => {
      this.child.once("exit", (code) => reject(new Error(`load generator exited ${code}`)));
      this.child.on("message", (message: LoadMessage<Result>) => {
        if (message.type === "ready") resolve();
        else this.listener?.(message);
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Runs one order; `onWindow` hears when the measured window opens and closes. */
  async order(order: Order, onWindow: (edge: "start" | "end") => void = () => undefined): Promise<Result> {
    await this.ready;
    let onExit: (code: number | null) => void = () => undefined;
    const exited = new Promise<never>((_, reject) => {
      onExit = (code) => reject(new Error(`load generator exited ${code} during a run`));
      this.child.once("exit", onExit);
    });
    const result = new Promise<Result>((resolve) => {
      this.listener = (message) => {
        if (message.type === "window") onWindow(message.edge);
        else if (message.type === "result") resolve(message.result);
      };
    });
    this.child.send(order as object);
    try {
      return await Promise.race([result, exited]);
    } finally {
      this.listener = undefined;
      this.child.off("exit", onExit);
    }
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** In the child: runs each order the parent sends and sends back its result; exits when the parent goes. */
export function serveOrders<Order, Result>(run: (order: Order) => Promise<Result>): void {
  process.on("message", (order: Order) => {
    run(order).then(
      (result) => tellParent({ type: "result", result }),
      (error: unknown) => {
        console.error(`load generator failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  });
  // The parent went away (finished, or killed): nothing left to do.
  process.on("disconnect", () => process.exit(0));
  tellParent({ type: "ready" });
}

/**
 * In the child: a closed loop's measured window, `warmupSeconds` from now for `seconds`. Its edges
 * run on timers and are told to the parent, so it can read a server's CPU over the same span;
 * `onClose` runs at the closing edge.
 */
export class MeasuredWindow {
  readonly start = performance.now();
  readonly opens: number;
  readonly ends: number;
  private cpu = process.cpuUsage();
  private used: NodeJS.CpuUsage | undefined;
  private readonly timers: NodeJS.Timeout[];

  constructor(
    warmupSeconds: number,
    private readonly seconds: number,
    private readonly onClose: () => void = () => undefined,
  ) {
    this.opens = this.start + warmupSeconds * 1000;
    this.ends = this.opens + seconds * 1000;
    this.timers = [
      setTimeout(() => {
        this.cpu = process.cpuUsage();
        tellParent({ type: "window", edge: "start" });
      }, this.opens - this.start),
      setTimeout(() => this.close(), this.ends - this.start),
    ];
  }

  contains(at: number): boolean {
    return at >= this.opens && at < this.ends;
  }

  /** Once the loop is over: a worker can see the deadline pass before the timer has run. */
  finish(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.close();
  }

  /** This process's CPU in the window, as a share of one core. */
  get cpuShare(): number {
    return ((this.used?.user ?? 0) + (this.used?.system ?? 0)) / 1000 / (this.seconds * 1000);
  }

  private close(): void {
    if (this.used) return;
    this.used = process.cpuUsage(this.cpu);
    this.onClose();
    tellParent({ type: "window", edge: "end" });
  }
}
