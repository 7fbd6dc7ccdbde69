/**
 * Part of every cached picture's key: raise it with any change to how a template draws, so a
 * picture cached before is drawn again rather than served as it was. Kept apart from the
 * templates so the main thread, which only hashes, never loads them.
 */
export const templatesVersion = "2";
