import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { renderPicture } from "./render.ts";
import { pictureElement } from "./templates.ts";
import { type PictureView, pictureSize } from "./views.ts";

/** A request to the render worker, and its answer. */
export interface RenderRequest {
  id: number;
  view: PictureView;
}

export type RenderResponse = { id: number; png: Uint8Array; fonts: string[] } | { id: number; error: string };

// Drawing gives way to the thread answering commands whenever the cores are busy: on Linux a
// thread's nice value is its own, so this lowers the worker alone. bench/images.ts measured it.
try {
  setPriority(0, 19);
} catch {
  // Not allowed here (some containers): drawing then competes on equal terms.
}

// The worker's whole job: draw one view at a time. Layout (satori) and rasterising (resvg) take
// tens of milliseconds each, which would stall every command if they ran where commands are answered.
parentPort?.on("message", async ({ id, view }: RenderRequest) => {
  let response: RenderResponse;
  try {
    const { png, fonts } = await renderPicture(pictureElement(view), pictureSize);
    // A copy of its own, so its memory can move to the main thread rather than be copied again.
    response = { id, png: new Uint8Array(png), fonts };
  } catch (error) {
    response = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(response, "png" in response ? [response.png.buffer as ArrayBuffer] : []);
});
