import { Resvg } from "@resvg/resvg-js";
import satori from "satori";
import type { PictureElement } from "./element.ts";
import { baseFonts, emojiImage, fallbackFonts, type PictureFont } from "./fonts.ts";

export interface PictureSize {
  width: number;
  height: number;
}

/** A rendered picture: the PNG, the SVG it was drawn from, and the font families it asked for. */
export interface Rendered {
  png: Buffer;
  svg: string;
  /**
   * Inter, and the families satori asked for in this render. satori keeps what it loaded for the
   * rest of the process, so a later render lists only scripts new to it (tests that check the
   * list draw their mixed-script card first).
   */
  fonts: string[];
}

let base: PictureFont[] | undefined;

/**
 * Draws an element tree: satori lays it out to SVG (text as paths, so the PNG needs no fonts),
 * resvg rasterises it with the system's fonts turned off, so a slim container and a laptop draw
 * the same picture. Runs in the render process, never on the thread answering commands.
 */
export async function renderPicture(element: PictureElement, size: PictureSize): Promise<Rendered> {
  base ??= baseFonts();
  const families = new Set<string>(["Inter"]);
  const svg = await satori(element as Parameters<typeof satori>[0], {
    ...size,
    fonts: base,
    loadAdditionalAsset: async (language, segment) => {
      if (language === "emoji") {
        families.add("Twemoji");
        return emojiImage(segment) ?? [];
      }
      const fonts = fallbackFonts(language, segment);
      for (const font of fonts) families.add(font.family);
      return fonts;
    },
  });
  const png = new Resvg(svg, { font: { loadSystemFonts: false }, fitTo: { mode: "original" } }).render().asPng();
  return { png, svg, fonts: [...families].sort() };
}
