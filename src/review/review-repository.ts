import type { Logger } from "../logger.ts";
import type { Person } from "../progress/model.ts";
import type { StatusChange } from "../progress/progress-repository.ts";
import { keys } from "../store/keys.ts";
import type { Documents, Store } from "../store/store.ts";
import {
  type Deck,
  deckDocument,
  emptyDeck,
  logLimit,
  type ReviewLogEntry,
  reviewLogEntrySchema,
  type StoredCard,
  storedCardSchema,
  storedDeckSchema,
} from "./deck.ts";
import { cardForDone } from "./spacing.ts";

/**
 * Review decks in the store. Every write is staged in a unit of work by a caller holding the
 * person's lock, so a card changes in the same atomic write as the progress that caused it.
 */
export class ReviewRepository {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async load(roadmapId: string, person: Person, from: Documents = this.store): Promise<Deck> {
    const key = keys.review(roadmapId, person);
    return this.decode(key, await from.get(key));
  }

  /**
   * Keeps the deck in step with a status change: a topic newly done gets its card, as a first
   * "remembered" at that moment; a topic leaving done (undo, skip, learning) loses its card. The
   * answers in the log stay, and a topic done again starts a new card.
   */
  async follow(
    roadmapId: string,
    person: Person,
    topicId: string,
    change: Pick<StatusChange, "previous" | "current">,
    now: Date,
    unit: Documents,
  ): Promise<void> {
    const isDone = change.current?.status === "done";
    if ((change.previous?.status === "done") === isDone) return;
    const deck = await this.load(roadmapId, person, unit);
    const cards = new Map(deck.cards);
    if (isDone) {
      if (cards.has(topicId)) return;
      cards.set(topicId, cardForDone(now));
    } else if (!cards.delete(topicId)) return;
    await this.save(roadmapId, person, { cards, log: deck.log }, unit);
  }

  /** Stages the card after an answer and the answer in the log. */
  async record(
    roadmapId: string,
    person: Person,
    deck: Deck,
    card: StoredCard,
    entry: ReviewLogEntry,
    unit: Documents,
  ): Promise<void> {
    const cards = new Map(deck.cards).set(entry.topicId, card);
    await this.save(roadmapId, person, { cards, log: [...deck.log, entry].slice(-logLimit) }, unit);
  }

  /** Deletes a person's deck on one roadmap (forget-me), or stages that in a unit. */
  async delete(roadmapId: string, person: Person, unit: Documents = this.store): Promise<void> {
    await unit.delete(keys.review(roadmapId, person));
  }

  private async save(roadmapId: string, person: Person, deck: Deck, unit: Documents): Promise<void> {
    await unit.set(keys.review(roadmapId, person), deckDocument(deck));
  }

  /** Checked entry by entry, like progress: a corrupt card or log entry is reported and skipped. */
  private decode(key: string, value: unknown): Deck {
    if (value === undefined) return emptyDeck;
    const stored = storedDeckSchema.safeParse(value);
    if (!stored.success) {
      this.logger.warn({ key, issues: stored.error.issues }, "ignoring corrupt review deck");
      return emptyDeck;
    }
    const cards = new Map<string, StoredCard>();
    for (const [topicId, entry] of Object.entries(stored.data.cards)) {
      const card = storedCardSchema.safeParse(entry);
      if (card.success) cards.set(topicId, card.data);
      else this.logger.warn({ key, topicId, issues: card.error.issues }, "ignoring corrupt review card");
    }
    const log = stored.data.log.flatMap((entry) => {
      const parsed = reviewLogEntrySchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
    return { cards, log };
  }
}
