/**
 * The text of a few byte strings seen lately, so the field names and values that come back in
 * every entry (`body`, `content-type`, `application/json`) are not decoded again and again:
 * comparing a few bytes in JavaScript costs a fraction of making a string from a `Buffer`.
 * It remembers up to `size` byte strings of at most `maxBytes` bytes, the oldest replaced first.
 */
export class RecentTexts {
  readonly #known: { readonly bytes: Buffer; readonly text: string }[] = [];
  readonly #size: number;
  readonly #maxBytes: number;
  readonly #transform: (text: string) => string;
  /** Where the next byte string seen for the first time is remembered. */
  #next = 0;

  /**
   * @param size - how many byte strings to remember
   * @param maxBytes - the longest byte string remembered
   * @param transform - applied to the text once, when it is first decoded (such as lower-casing)
   */
  constructor(size: number, maxBytes: number, transform: (text: string) => string = (text) => text) {
    this.#size = size;
    this.#maxBytes = maxBytes;
    this.#transform = transform;
  }

  /** The text of `bytes` (UTF-8, as `bytes.toString()` decodes it), transformed. */
  text(bytes: Buffer): string {
    const length = bytes.length;
    if (length > this.#maxBytes) return this.#transform(bytes.toString());
    for (const known of this.#known) if (sameBytes(known.bytes, bytes, length)) return known.text;
    const text = this.#transform(bytes.toString());
    this.#known[this.#next] = { bytes: Buffer.from(bytes), text }; // a copy: `bytes` may be a view into a whole socket read
    this.#next = (this.#next + 1) % this.#size;
    return text;
  }
}

/** Whether `known` holds the `length` bytes of `bytes`. */
function sameBytes(known: Buffer, bytes: Buffer, length: number): boolean {
  if (known.length !== length) return false;
  for (let i = 0; i < length; i++) if (known[i] !== bytes[i]) return false;
  return true;
}
