import type { KnownBlock } from "@slack/types";

/**
 * A block with its JSON already encoded: `size` is the JSON's length (what the block budget
 * counts), `bytes` what goes on the wire, so a message is sent without serialising it again.
 */
export interface Rendered {
  block: KnownBlock;
  size: number;
  bytes: Buffer;
}

const fromJson = (block: KnownBlock, json: string): Rendered => ({
  block,
  size: json.length,
  bytes: Buffer.from(json),
});

export const rendered = (block: KnownBlock): Rendered => fromJson(block, JSON.stringify(block));

/** A mrkdwn section, its JSON written out: the same text as `rendered` makes, without walking an object. */
export const renderedSection = (text: string): Rendered =>
  fromJson(
    { type: "section", text: { type: "mrkdwn", text } },
    `{"type":"section","text":{"type":"mrkdwn","text":${JSON.stringify(text)}}}`,
  );

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** What rendered blocks depend on besides their key: the kind of block, other texts, numbers. */
export type Part = string | number | undefined;

interface Entry {
  parts: readonly Part[];
  blocks: readonly Rendered[];
}

const sameParts = (a: readonly Part[], b: readonly Part[]): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Rendered blocks by everything they depend on. Most of an answer is the same for everyone who
 * asks (a stage's header, summary and buttons; each topic's line in each state), so it is escaped,
 * cut and serialised once; only what is someone's own (progress bars) is made per reply.
 *
 * Looked up by a key (a text or id the block shows, usually a string straight from the content,
 * whose hash the engine keeps) and then by comparing the other parts one by one, which costs less
 * than building and hashing one long key per block. The cached blocks are frozen, since every
 * message that shows them shares them. Long texts are not kept (rarely asked for twice; memory is
 * worth more); the cache is emptied when full, which only many distinct texts ever make it.
 */
export class RenderCache {
  private readonly buckets = new Map<string, Entry[]>();
  private size = 0;

  constructor(
    private readonly capacity: number,
    /** Blocks made of more text than this, key and parts together, are made afresh each time. */
    private readonly maxTextLength: number,
  ) {}

  get(key: string, parts: readonly Part[], make: () => KnownBlock[]): readonly Rendered[] {
    let length = key.length;
    for (const part of parts) if (typeof part === "string") length += part.length;
    if (length > this.maxTextLength) return make().map(rendered);
    let bucket = this.buckets.get(key);
    if (bucket) for (const entry of bucket) if (sameParts(entry.parts, parts)) return entry.blocks;
    if (this.size >= this.capacity) {
      this.buckets.clear();
      this.size = 0;
      bucket = undefined;
    }
    // The blocks are frozen; their bytes are only ever copied out of.
    const blocks = make().map((block) => Object.freeze(rendered(deepFreeze(block))));
    if (bucket) bucket.push({ parts, blocks });
    else this.buckets.set(key, [{ parts, blocks }]);
    this.size++;
    return blocks;
  }
}
