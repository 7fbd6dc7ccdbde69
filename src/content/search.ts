import { distance } from "fastest-levenshtein";

/** Lowercase words without punctuation or accents: "Blue/Green Deployments" -> ["blue", "green", "deployments"]. */
export function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

interface Entry<T> {
  item: T;
  /** The id and title words: what a person types to name it. */
  nameWords: string[];
  compactName: string;
  compactId: string;
  /** Words that only help a search: description, stage title. */
  extraWords: string[];
}

export type Resolution<T> =
  | { kind: "found"; item: T }
  | { kind: "ambiguous"; candidates: T[] }
  | { kind: "none"; suggestions: T[] };

const compact = (text: string): string => words(text).join("");

/** A typo allowance that grows with the word: none for short words, two edits for long ones. */
const allowedEdits = (word: string): number => (word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0);

const matchesPrefix = (query: string, candidates: string[]): boolean =>
  candidates.some((word) => word.startsWith(query));
/** Within the typo allowance of a whole word, or of the start of a longer word ("kuberne" ~ "kubernetes"). */
function nearWord(query: string, word: string): boolean {
  const allowed = allowedEdits(query);
  if (allowed === 0) return false;
  return (
    distance(query, word) <= allowed ||
    (word.length > query.length && distance(query, word.slice(0, query.length)) <= allowed)
  );
}
const matchesWithTypo = (query: string, candidates: string[]): boolean =>
  candidates.some((word) => nearWord(query, word));

/**
 * Finds things (stages, topics) by the name a person types: exact id or title first, then every
 * typed word as the start of a name word, then the same with a typo allowed. Built once per roadmap.
 */
export class NameIndex<T> {
  private readonly entries: Entry<T>[];
  private readonly wordScores: Map<string, Map<number, number>>;

  constructor(items: readonly T[], describe: (item: T) => { id: string; title: string; extra?: string }) {
    this.entries = items.map((item) => {
      const { id, title, extra = "" } = describe(item);
      const nameWords = [...new Set([...words(id), ...words(title)])];
      return { item, nameWords, compactName: compact(title), compactId: compact(id), extraWords: words(extra) };
    });
    this.wordScores = buildWordScores(this.entries);
  }

  resolve(query: string): Resolution<T> {
    const queryWords = words(query);
    if (queryWords.length === 0) return { kind: "none", suggestions: [] };
    const queryCompact = queryWords.join("");

    const exact = this.entries.filter((e) => e.compactId === queryCompact || e.compactName === queryCompact);
    if (exact.length === 1 && exact[0]) return { kind: "found", item: exact[0].item };

    const byPrefix = this.entries.filter(
      (e) => queryWords.every((word) => matchesPrefix(word, e.nameWords)) || e.compactName.startsWith(queryCompact),
    );
    const picked = this.pick(byPrefix, queryWords);
    if (picked) return picked;

    const byTypo = this.entries.filter((e) => queryWords.every((word) => matchesWithTypo(word, e.nameWords)));
    const pickedTypo = this.pick(byTypo, queryWords);
    if (pickedTypo) return pickedTypo;

    return { kind: "none", suggestions: this.closest(queryWords, 3) };
  }

  /** One match wins; several are narrowed to those naming every typed word exactly, then listed. */
  private pick(matches: Entry<T>[], queryWords: string[]): Resolution<T> | undefined {
    if (matches.length === 0) return undefined;
    if (matches.length === 1 && matches[0]) return { kind: "found", item: matches[0].item };
    const wholeWords = matches.filter(
      (e) => e.nameWords.length === queryWords.length && queryWords.every((w) => e.nameWords.includes(w)),
    );
    if (wholeWords.length === 1 && wholeWords[0]) return { kind: "found", item: wholeWords[0].item };
    return { kind: "ambiguous", candidates: matches.map((e) => e.item) };
  }

  /** Ranks every item for free-text search: name words count most, then description words. */
  search(query: string, limit: number): T[] {
    const queryWords = words(query);
    if (queryWords.length === 0) return [];
    const totals = new Map<number, { score: number; hits: number }>();
    for (const word of queryWords) {
      for (const [index, score] of this.wordScores.get(word) ?? []) {
        const total = totals.get(index) ?? { score: 0, hits: 0 };
        total.score += score;
        total.hits += 1;
        totals.set(index, total);
      }
    }
    // Results that contain every word come before those that contain only some.
    return [...totals]
      .sort(([a, x], [b, y]) => y.hits - x.hits || y.score - x.score || a - b)
      .slice(0, limit)
      .map(([index]) => (this.entries[index] as Entry<T>).item);
  }

  /** Suggestions for a miss: words a typo away (in names or descriptions), else a close whole name. */
  private closest(queryWords: string[], limit: number): T[] {
    const searched = this.search(queryWords.join(" "), limit);
    if (searched.length > 0) return searched;
    const nearby = this.entries
      .map((entry, index) => ({
        entry,
        index,
        hits:
          queryWords.filter((word) => matchesWithTypo(word, entry.nameWords)).length * 2 +
          queryWords.filter((word) => matchesWithTypo(word, entry.extraWords)).length,
      }))
      .filter((s) => s.hits > 0)
      .sort((a, b) => b.hits - a.hits || a.index - b.index);
    if (nearby.length > 0) return nearby.slice(0, limit).map((s) => s.entry.item);
    // Last resort: a name word within a generous distance ("ansibel" ~ "ansible").
    const roughly = (word: string, candidate: string) =>
      distance(word, candidate) <= Math.max(2, Math.floor(word.length / 3));
    return this.entries
      .filter((entry) =>
        queryWords.some((word) => word.length >= 4 && entry.nameWords.some((name) => roughly(word, name))),
      )
      .slice(0, limit)
      .map((entry) => entry.item);
  }
}

/**
 * Every word and word start a search can type, mapped to the entries it finds and how well:
 * a whole name word 6, the start of one 4, a whole description word 2, the start of one 1.
 * Built once, so a search costs a few map lookups instead of a scan of every entry.
 */
function buildWordScores(entries: readonly Entry<unknown>[]): Map<string, Map<number, number>> {
  const scores = new Map<string, Map<number, number>>();
  const offer = (key: string, index: number, score: number) => {
    const found = scores.get(key) ?? new Map<number, number>();
    scores.set(key, found);
    if ((found.get(index) ?? 0) < score) found.set(index, score);
  };
  entries.forEach((entry, index) => {
    for (const word of entry.nameWords) {
      for (let end = 1; end < word.length; end++) offer(word.slice(0, end), index, 4);
      offer(word, index, 6);
    }
    for (const word of entry.extraWords) {
      for (let end = 3; end < word.length; end++) offer(word.slice(0, end), index, 1);
      offer(word, index, 2);
    }
  });
  return scores;
}
