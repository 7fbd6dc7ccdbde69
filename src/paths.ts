import { fileURLToPath } from "node:url";

/**
 * The installation's root folder. This file sits one level below it wherever it runs from: as
 * src/paths.ts (tests, tsx) and inside the bundle dist/roadmap-bot.cjs, where the build defines
 * import.meta.url as the bundle's own URL. So paths are resolved here, never from a module's own
 * depth, which the bundle does not keep.
 */
const root = new URL("../", import.meta.url);

/** A file or folder of the installation, as an absolute path. */
export const installPath = (relative: string): string => fileURLToPath(new URL(relative, root));
