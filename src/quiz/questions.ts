import { randomBytes } from "node:crypto";
import type { Roadmap, Stage, Topic } from "../content/schema.ts";

export interface Choice {
  label: string;
  topicId?: string;
  stageNumber?: number;
}

export interface Question {
  seed: string;
  kind: "topic" | "stage";
  /** The topic the question is about: the answer for "topic", the subject for "stage". */
  topicId: string;
  prompt: string;
  /** The topic's description with its title words masked, for kind "topic". */
  clue?: string;
  /** Exactly four. */
  choices: Choice[];
  /** 0-based index of the right choice. */
  answer: number;
}

export type QuestionKind = Question["kind"];

const CHOICES = 4;

/** One fixed mask for every hidden word, so its length gives nothing away. */
export const MASK = "▢▢▢";

/** A fresh seed for callers; everything else here is a pure function of the seed. */
export function newSeed(): string {
  return randomBytes(8).toString("hex");
}

/** Picks the topic (uniformly) and the kind (about 2/3 "topic") from the seed. */
export function questionFor(roadmap: Roadmap, seed: string): Question {
  requireTopics(roadmap);
  // A stream of its own, so the draws that chose the topic do not also shape that topic's choices.
  const random = prng(`${seed}#pick`);
  const topic = pickOne(roadmap.topics, random);
  const kind: QuestionKind = random() < 2 / 3 || roadmap.stages.length < CHOICES ? "topic" : "stage";
  return questionAbout(roadmap, topic.id, kind, seed);
}

export function questionAbout(roadmap: Roadmap, topicId: string, kind: QuestionKind, seed: string): Question {
  requireTopics(roadmap);
  const topic = roadmap.topicsById.get(topicId);
  if (!topic) throw new Error(`Roadmap "${roadmap.id}" has no topic "${topicId}".`);
  const random = prng(seed);

  if (kind === "topic") {
    const right: Choice = { label: topic.title, topicId: topic.id };
    const others = topicDistractors(roadmap, topic, random).map((t): Choice => ({ label: t.title, topicId: t.id }));
    return {
      seed,
      kind,
      topicId: topic.id,
      prompt: "Which topic is this?",
      clue: maskTitleWords(topic.description, topic.title),
      ...shuffled(right, others, random),
    };
  }

  if (roadmap.stages.length < CHOICES) {
    throw new Error(
      `A stage question needs at least ${CHOICES} stages, but roadmap "${roadmap.id}" has ${roadmap.stages.length}.`,
    );
  }
  const stage = roadmap.stages.find((s) => s.number === topic.stageNumber);
  if (!stage) throw new Error(`Topic "${topic.id}" points at stage ${topic.stageNumber}, which does not exist.`);
  const others = stageDistractors(roadmap, stage, random).map(stageChoice);
  return {
    seed,
    kind,
    topicId: topic.id,
    prompt: `Which stage does ${topic.title} belong to?`,
    ...shuffled(stageChoice(stage), others, random),
  };
}

/** The title's words of 3+ letters or digits, lowercased: what the clue must not show. */
export function titleWords(title: string): string[] {
  return [...new Set(title.toLowerCase().split(/[^\p{L}\p{N}]+/u))].filter((word) => word.length >= 3);
}

/**
 * Replaces each title word, as a whole word and in any case, by MASK; also its plural and possessive
 * (+s, +es, +'s) and, for a plural title word, its singular ("Deployments" hides "deployment",
 * "Policies" hides "policy"). Words merely containing a title word ("GitHub" for "Git") stay.
 */
export function maskTitleWords(text: string, title: string): string {
  const forms = titleWords(title).flatMap(inflections);
  if (forms.length === 0) return text;
  // Longest first, so "argocd's" goes as one piece rather than leaving "'s" behind.
  forms.sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  return text.replace(pattern, MASK);
}

function inflections(word: string): string[] {
  const forms = [word, `${word}s`, `${word}es`, `${word}'s`, `${word}’s`];
  if (word.length > 3 && word.endsWith("s")) forms.push(word.slice(0, -1));
  if (word.endsWith("ies")) forms.push(`${word.slice(0, -3)}y`);
  if (word.endsWith("y")) forms.push(`${word.slice(0, -1)}ies`);
  return forms;
}

/**
 * Stage mates first (the hardest to tell apart), then topics of the same level elsewhere, then topics of the
 * nearest stages; random within each tier. A stage may have fewer than four topics, hence the later tiers.
 */
function topicDistractors(roadmap: Roadmap, answer: Topic, random: Random): Topic[] {
  const others = roadmap.topics.filter((t) => t.id !== answer.id);
  const distance = (t: Topic) => Math.abs(t.stageNumber - answer.stageNumber);
  const distances = [...new Set(others.map(distance))].sort((a, b) => a - b);
  const tiers = [
    others.filter((t) => distance(t) === 0),
    others.filter((t) => distance(t) > 0 && t.level === answer.level),
    ...distances.map((d) => others.filter((t) => distance(t) === d)),
  ];
  const taken = new Set([answer.title.toLowerCase()]);
  const picked: Topic[] = [];
  for (const tier of tiers) {
    for (const topic of shuffle(tier, random)) {
      // Two topics with one title would be two identical buttons.
      const key = topic.title.toLowerCase();
      if (taken.has(key)) continue;
      taken.add(key);
      picked.push(topic);
      if (picked.length === CHOICES - 1) return picked;
    }
  }
  throw new Error(`Roadmap "${roadmap.id}" has too few distinctly titled topics for a ${CHOICES}-choice question.`);
}

/**
 * A run of four consecutive stages around the right one, starting at a random offset: neighbours make the question
 * real, and the random offset keeps the right stage from being the telltale middle of its distractors.
 */
function stageDistractors(roadmap: Roadmap, stage: Stage, random: Random): Stage[] {
  const stages = [...roadmap.stages].sort((a, b) => a.number - b.number);
  const at = stages.indexOf(stage);
  const earliest = Math.max(0, at - (CHOICES - 1));
  const latest = Math.min(at, stages.length - CHOICES);
  const start = earliest + Math.floor(random() * (latest - earliest + 1));
  return stages.slice(start, start + CHOICES).filter((s) => s !== stage);
}

function stageChoice(stage: Stage): Choice {
  return { label: `Stage ${stage.number} · ${stage.title}`, stageNumber: stage.number };
}

function shuffled(right: Choice, others: Choice[], random: Random): Pick<Question, "choices" | "answer"> {
  const choices = shuffle([right, ...others], random);
  return { choices, answer: choices.indexOf(right) };
}

function requireTopics(roadmap: Roadmap): void {
  if (roadmap.topics.length < CHOICES) {
    throw new Error(
      `A quiz needs at least ${CHOICES} topics, but roadmap "${roadmap.id}" has ${roadmap.topics.length}.`,
    );
  }
}

type Random = () => number;

/** FNV-1a of the seed into mulberry32: tiny, fast, and the same on every platform and Node version. */
function prng(seed: string): Random {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickOne<T>(items: readonly T[], random: Random): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pickOne needs a non-empty list.");
  return item;
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
