import { pictureSize } from "./views.ts";

/**
 * The element objects satori lays out: React's shape without React. Plain data, so a picture's
 * tree can be built on the main thread and handed to the render process as it is.
 */
export interface PictureElement {
  type: string;
  props: {
    style?: Record<string, string | number>;
    children?: PictureNode | PictureNode[];
    [attribute: string]: unknown;
  };
}

export type PictureNode = PictureElement | string;

/** An element: `h("div", { display: "flex" }, "text", h(...))`. */
export function h(
  type: string,
  style: Record<string, string | number> = {},
  ...children: (PictureNode | false | undefined)[]
): PictureElement {
  const kept = children.filter((child): child is PictureNode => child !== false && child !== undefined);
  return { type, props: { style, ...(kept.length > 0 ? { children: kept.length === 1 ? kept[0] : kept } : {}) } };
}

/** An SVG drawing inside a picture (rings, check marks, paths), with its own attributes. */
export function svg(attributes: Record<string, string | number>, ...children: PictureElement[]): PictureElement {
  return { type: "svg", props: { ...attributes, ...(children.length > 0 ? { children } : {}) } };
}

/** One SVG shape: `shape("circle", { cx: 10, cy: 10, r: 8, fill: "#000" })`. */
export const shape = (type: string, attributes: Record<string, string | number>): PictureElement => ({
  type,
  props: attributes,
});

/** The font family every picture names; satori falls back through every other loaded font after it. */
export const pictureFontFamily = "Inter latin";

/**
 * A picture's root: the whole canvas in the pictures' font, children placed absolutely on it.
 * `style` gives its colours (and a default font size, where a template wants one).
 */
export function pictureFrame(
  style: Record<string, string | number>,
  ...children: (PictureNode | false | undefined)[]
): PictureElement {
  return h(
    "div",
    {
      display: "flex",
      position: "relative",
      width: pictureSize.width,
      height: pictureSize.height,
      fontFamily: pictureFontFamily,
      ...style,
    },
    ...children,
  );
}
