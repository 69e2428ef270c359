/** A byte string remembered, with what was made of it. */
interface Known<T> {
  readonly bytes: Uint8Array;
  readonly value: T;
}

/**
 * What was made of the last few byte strings a transport read (their text, a header block's
 * parsed lines), so the short byte strings that come back in message after message (a header
 * block, a field name, `application/json`) are decoded once: comparing a few dozen bytes in
 * JavaScript costs a fraction of making a string of them. It remembers up to `size` byte strings
 * of at most `maxBytes` bytes, each as its own copy (what a client hands over is often a view
 * into a whole socket read, which it reuses), the oldest replaced first; a longer byte string is
 * made afresh every time.
 *
 * `make` must give the same result for the same bytes (a decoding), since a byte string seen
 * before is not handed to it again.
 *
 * @typeParam T - what is made of the bytes
 * @typeParam B - the bytes the transport reads (a `Buffer`, a `Uint8Array`), as `make` gets them
 *
 * @example
 * ```ts
 * const names = new RecentBytes(16, 64, (bytes: Buffer) => bytes.toString().toLowerCase());
 * names.get(Buffer.from("Content-Type")); // "content-type", decoded
 * names.get(Buffer.from("Content-Type")); // "content-type", recognised
 * ```
 */
export class RecentBytes<T, B extends Uint8Array = Uint8Array> {
  readonly #known: Known<T>[] = [];
  readonly #size: number;
  readonly #maxBytes: number;
  readonly #make: (bytes: B) => T;
  /** Where the next byte string seen for the first time is remembered. */
  #next = 0;

  /**
   * @param size - how many byte strings to remember, at least 1
   * @param maxBytes - the longest byte string remembered, in bytes
   * @param make - what to make of bytes not seen lately (such as their text)
   * @throws RangeError when `size` is not a whole number above 0 or `maxBytes` not one of 0 or more
   */
  constructor(size: number, maxBytes: number, make: (bytes: B) => T) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`size must be a whole number above 0, got ${String(size)}`);
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a whole number of 0 or more, got ${String(maxBytes)}`);
    this.#size = size;
    this.#maxBytes = maxBytes;
    this.#make = make;
  }

  /** What `make` made of the same bytes, when they were seen lately; else `make(bytes)`, remembered. */
  get(bytes: B): T {
    const length = bytes.length;
    if (length > this.#maxBytes) return this.#make(bytes);
    for (const known of this.#known) if (sameBytes(known.bytes, bytes, length)) return known.value;
    const value = this.#make(bytes);
    // A copy (the client may reuse the bytes it read into) of the same kind as the bytes read (a
    // `Buffer` for a `Buffer`: its own `slice` would be a view), so the comparison above reads one
    // kind of array: comparing a `Buffer` with a plain `Uint8Array` costs about a fifth more.
    this.#known[this.#next] = { bytes: Uint8Array.prototype.slice.call(bytes), value };
    this.#next = (this.#next + 1) % this.#size;
    return value;
  }
}

/** Whether `known` holds exactly the `length` bytes of `bytes`. */
function sameBytes(known: Uint8Array, bytes: Uint8Array, length: number): boolean {
  if (known.length !== length) return false;
  for (let i = 0; i < length; i++) if (known[i] !== bytes[i]) return false;
  return true;
}
