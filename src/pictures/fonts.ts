import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * A font as satori takes it. Each file gets a name of its own: satori keeps one font per name and
 * weight, so subsets sharing a family name would hide each other's characters.
 */
export interface PictureFont {
  name: string;
  /** The family it belongs to ("Noto Sans SC"), for telling which scripts a picture needed. */
  family: string;
  data: Buffer;
  weight: 400 | 700;
  style: "normal";
}

const requireFrom = createRequire(import.meta.url);

/** A file of an npm package, found the way Node finds the package: fonts never come from the system. */
const packageFile = (pkg: string, file: string): string =>
  path.join(path.dirname(requireFrom.resolve(`${pkg}/package.json`)), file);

const weights = [400, 700] as const;

/** Inter, Latin and Latin Extended (accents), regular and bold: every picture's own font. */
export function baseFonts(): PictureFont[] {
  return (["latin", "latin-ext"] as const).flatMap((subset) =>
    weights.map((weight) => ({
      name: `Inter ${subset}`,
      family: "Inter",
      data: readFileSync(packageFile("@fontsource/inter", `files/inter-${subset}-${weight}-normal.woff`)),
      weight,
      style: "normal" as const,
    })),
  );
}

/**
 * The Noto families for scripts Inter lacks, loaded only when a name needs them. Each @fontsource
 * package is split into subsets by Unicode range (its unicode.json), so only the subsets holding
 * the characters asked for are read: a Chinese name costs a few hundred KB, not 76 MB.
 */
interface FallbackFamily {
  name: string;
  pkg: string;
  /** The prefix of the package's file names. */
  file: string;
  /** satori's language codes this family is tried first for. */
  languages: readonly string[];
}

const fallbackFamilies: readonly FallbackFamily[] = [
  {
    name: "Noto Sans SC",
    pkg: "@fontsource/noto-sans-sc",
    file: "noto-sans-sc",
    languages: ["zh-CN", "zh-TW", "zh-HK"],
  },
  { name: "Noto Sans JP", pkg: "@fontsource/noto-sans-jp", file: "noto-sans-jp", languages: ["ja-JP"] },
  { name: "Noto Sans KR", pkg: "@fontsource/noto-sans-kr", file: "noto-sans-kr", languages: ["ko-KR"] },
  { name: "Noto Sans Arabic", pkg: "@fontsource/noto-sans-arabic", file: "noto-sans-arabic", languages: ["ar-AR"] },
  { name: "Noto Sans Hebrew", pkg: "@fontsource/noto-sans-hebrew", file: "noto-sans-hebrew", languages: ["he-IL"] },
];

/** A subset of a family: its file key ("4" or "latin") and the code points it covers. */
interface Subset {
  key: string;
  ranges: [number, number][];
}

const subsetsByFamily = new Map<string, Subset[]>();

function subsetsOf(family: FallbackFamily): Subset[] {
  const known = subsetsByFamily.get(family.pkg);
  if (known) return known;
  const table = JSON.parse(readFileSync(packageFile(family.pkg, "unicode.json"), "utf8")) as Record<string, string>;
  const subsets = Object.entries(table).map(([key, ranges]) => ({
    key: key.replace(/^\[|\]$/g, ""),
    ranges: ranges.split(",").map((range): [number, number] => {
      const [from = "0", to = from] = range.trim().replace(/^U\+/i, "").split("-");
      return [Number.parseInt(from, 16), Number.parseInt(to, 16)];
    }),
  }));
  subsetsByFamily.set(family.pkg, subsets);
  return subsets;
}

const loadedFiles = new Map<string, Buffer>();

function subsetFonts(family: FallbackFamily, subset: Subset): PictureFont[] {
  return weights.flatMap((weight) => {
    const file = packageFile(family.pkg, `files/${family.file}-${subset.key}-${weight}-normal.woff`);
    let data = loadedFiles.get(file);
    if (!data) {
      try {
        data = readFileSync(file);
      } catch {
        return [];
      }
      loadedFiles.set(file, data);
    }
    return [{ name: `${family.name} ${subset.key}`, family: family.name, data, weight, style: "normal" as const }];
  });
}

/**
 * Fonts for a run of text that Inter cannot draw, as satori asks (its guess at the language,
 * and the text): the subsets of the first family, the language's own first, that hold each
 * character. Characters no family holds are left out (satori then draws nothing for them).
 */
export function fallbackFonts(language: string, segment: string): PictureFont[] {
  const ordered = [
    ...fallbackFamilies.filter((family) => family.languages.includes(language)),
    ...fallbackFamilies.filter((family) => !family.languages.includes(language)),
  ];
  const chosen = new Map<string, { family: FallbackFamily; subset: Subset }>();
  for (const character of new Set(segment)) {
    const point = character.codePointAt(0) ?? 0;
    if (point <= 0x7f) continue;
    for (const family of ordered) {
      const subset = subsetsOf(family).find((one) => one.ranges.some(([from, to]) => point >= from && point <= to));
      if (subset) {
        chosen.set(`${family.pkg}#${subset.key}`, { family, subset });
        break;
      }
    }
  }
  return [...chosen.values()].flatMap(({ family, subset }) => subsetFonts(family, subset));
}

/**
 * An emoji as a Twemoji SVG data URI (from the @twemoji/svg package), or undefined when Twemoji
 * has no picture for it. File names are the code points in hex joined by "-", without the
 * variation selector U+FE0F unless the sequence needs a joiner.
 */
export function emojiImage(segment: string): string | undefined {
  const points = [...segment].map((character) => (character.codePointAt(0) ?? 0).toString(16));
  const names = [points.filter((point) => point !== "fe0f").join("-"), points.join("-")];
  for (const name of names) {
    try {
      const svgText = readFileSync(packageFile("@twemoji/svg", `${name}.svg`));
      return `data:image/svg+xml;base64,${svgText.toString("base64")}`;
    } catch {}
  }
  return undefined;
}
