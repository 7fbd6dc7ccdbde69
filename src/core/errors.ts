import { truncate } from "./text.ts";

/**
 * A mistake the person can fix: shown to them as it is, with a hint of what to type instead.
 * Anything else that is thrown is an internal error: logged, and answered with a generic reply.
 */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    /** Stable identifier ("stage.out-of-range") for tests, logs and metrics. */
    readonly id: string,
    message: string,
    /** What to type instead, e.g. "Try `stages` to list them." */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: UserError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(error: UserError): Result<T> => ({ ok: false, error });

/** Shows a piece of user input inside a reply without letting a long paste swamp it. */
export const quote = (input: string, max = 40): string => `“${truncate(input.replace(/\s+/g, " ").trim(), max)}”`;
