// What the logfmt writer puts before a value: `key=` for a line's first pair, ` key=` for the
// others. Keys are nearly always the same few literals, so each text is made once and kept:
// a record then adds two strings a pair to its line (the key's text, the value) instead of four.
import { logfmtKey } from "./text.ts";

/** The text before a value. */
export interface KeyText {
  /** `key=`, for the first pair of a line. */
  readonly first: string;
  /** ` key=`, for every other pair. */
  readonly next: string;
}

/** How many keys are kept, and how long one may be: a key built at run time must not grow the cache without end. */
const MAX_KEPT = 1024;
const MAX_KEPT_LENGTH = 64;

const kept = new Map<string, KeyText>();

function textOf(key: unknown): KeyText {
  const k = logfmtKey(key);
  return { first: `${k}=`, next: ` ${k}=` };
}

/** The texts before a value for `key`, as logfmt writes keys (see `logfmtKey`). */
export function keyText(key: unknown): KeyText {
  if (typeof key !== "string" || key.length > MAX_KEPT_LENGTH) return textOf(key);
  let text = kept.get(key);
  if (text === undefined) {
    text = textOf(key);
    if (kept.size < MAX_KEPT) kept.set(key, text);
  }
  return text;
}
