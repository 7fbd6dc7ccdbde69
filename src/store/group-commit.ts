interface Waiting<Item, Result> {
  item: Item;
  done: (result: Result) => void;
  failed: (error: unknown) => void;
}

/**
 * Group commit per key: the first item for a key is committed at once; items for that key that
 * arrive while its commit is under way wait and go together in its next commit, at most
 * `maxBatch` at a time. A lone click pays one commit, and a crowd one commit per round trip of the
 * store instead of one per person in a row. Each item resolves with its own result, or rejects
 * with its batch's error.
 */
export class GroupCommit<Item, Result> {
  /** Per key: the items waiting for its next commit; present while a commit of the key is under way. */
  private readonly queues = new Map<string, Waiting<Item, Result>[]>();

  constructor(
    /** Commits one batch of a key's items; resolves with one result per item, in their order. */
    private readonly commit: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = Number.POSITIVE_INFINITY,
  ) {}

  add(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((done, failed) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ item, done, failed });
        return;
      }
      const fresh = [{ item, done, failed }];
      this.queues.set(key, fresh);
      void this.drain(key, fresh);
    });
  }

  private async drain(key: string, queue: Waiting<Item, Result>[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      try {
        const results = await this.commit(
          key,
          batch.map((waiting) => waiting.item),
        );
        if (results.length !== batch.length) {
          throw new Error(`a commit of ${batch.length} items answered ${results.length} results`);
        }
        batch.forEach((waiting, index) => {
          waiting.done(results[index] as Result);
        });
      } catch (error) {
        for (const waiting of batch) waiting.failed(error);
      }
    }
    this.queues.delete(key);
  }
}
