import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { setPriority } from "node:os";
import { renderPicture } from "./render.ts";
import { pictureElement } from "./templates.ts";
import { type PictureView, pictureSize } from "./views.ts";

/** A request to the render process, and its answer. */
export interface RenderRequest {
  id: number;
  view: PictureView;
}

export type RenderResponse = { id: number; png: Uint8Array; fonts: string[] } | { id: number; error: string };

/**
 * Drawing gives way to the bot whenever the cores are busy. Every thread of this process is
 * lowered, not only the one drawing: V8's helper threads collect and compile for it, and as a
 * worker thread inside the bot they ran at the bot's priority, taking about a quarter of a core
 * from the commands under bench/images.ts.
 *
 * On Linux the threads become SCHED_IDLE (through util-linux's chrt, which every Debian image
 * has): a thread answering commands that wakes up then takes the core at once, where even a
 * nice 19 thread keeps it for the rest of its time slice. Failing that (no chrt, or a sandbox that
 * refuses), each thread gets nice 19; threads started later inherit either. Elsewhere the first
 * setPriority lowers the whole process.
 */
function giveWay(): void {
  let threads = ["0"];
  try {
    threads = readdirSync("/proc/self/task");
  } catch {}
  for (const thread of threads) {
    try {
      setPriority(Number(thread), 19);
    } catch {
      // Not allowed here (some containers): drawing then competes on equal terms.
    }
  }
  const chrt = ["/usr/bin/chrt", "/bin/chrt"].find((file) => existsSync(file));
  if (chrt) spawnSync(chrt, ["--idle", "--all-tasks", "--pid", "0", String(process.pid)], { stdio: "ignore" });
}

giveWay();

// The process's whole job: draw the views it is sent. Layout (satori) and rasterising (resvg) take
// tens of milliseconds each, which would stall every command if they ran where commands are answered.
process.on("message", async ({ id, view }: RenderRequest) => {
  let response: RenderResponse;
  try {
    const { png, fonts } = await renderPicture(pictureElement(view), pictureSize);
    response = { id, png, fonts };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(response);
});

// The bot went (or let this process go): nothing more will be asked.
process.on("disconnect", () => process.exit(0));
