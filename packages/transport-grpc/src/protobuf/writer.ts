const utf8 = new TextEncoder();

/** The largest field number protobuf allows: 2^29 - 1. */
const maxField = 536_870_911;

/**
 * Writes protobuf's wire format into a buffer that grows as needed. Each method appends one
 * item and returns the writer, so calls chain; {@link Writer.finish} returns the bytes. A
 * message is written as a tag and a value per field: `w.tag(1, 0).int(42)` is field 1, a varint.
 *
 * Numbers are JavaScript numbers: `int32` and `int64` are exact within the safe integers
 * (±2^53 - 1), the range a `number` holds without loss.
 *
 * @example
 * ```ts
 * new Writer().tag(1, 2).string("kit").finish(); // Uint8Array [0x0a, 0x03, 0x6b, 0x69, 0x74]
 * ```
 */
export class Writer {
  private buf = new Uint8Array(64);
  private pos = 0;

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /**
   * A varint of a non-negative integer: a `bool` (0 or 1), an enum's number, a length.
   *
   * @param n - a safe integer, 0 or more; anything else is a `RangeError`
   */
  uint(n: number): this {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`expected a non-negative safe integer, got ${String(n)}`);
    this.room(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /**
   * A varint of a signed integer (`int32`, `int64`): a negative one as 64-bit two's complement,
   * ten bytes, as every protobuf library writes it.
   *
   * @param n - a safe integer; anything else is a `RangeError`
   */
  int(n: number): this {
    if (!Number.isSafeInteger(n)) throw new RangeError(`expected a safe integer, got ${String(n)}`);
    if (n >= 0) return this.uint(n);
    this.room(10);
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v % 0x80n) + 0x80;
      v /= 0x80n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /**
   * A field's tag: its number and the wire type of the value that follows.
   *
   * @param field - the field number, 1 to 2^29 - 1
   * @param wire - the wire type: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit
   */
  tag(field: number, wire: number): this {
    if (!Number.isInteger(field) || field < 1 || field > maxField) throw new RangeError(`expected a field number from 1 to ${String(maxField)}, got ${String(field)}`);
    if (!Number.isInteger(wire) || wire < 0 || wire > 7) throw new RangeError(`expected a wire type from 0 to 7, got ${String(wire)}`);
    return this.uint(field * 8 + wire);
  }

  /**
   * A `double`: eight bytes, little-endian (wire type 1).
   *
   * @param n - any number, NaN and the infinities included
   */
  double(n: number): this {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, n, true);
    this.pos += 8;
    return this;
  }

  /**
   * Length-delimited bytes (wire type 2): their length as a varint, then the bytes. An embedded
   * message is written this way, from the bytes its own writer finished with.
   *
   * @param b - the bytes
   */
  bytes(b: Uint8Array): this {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * A `string`: its UTF-8 bytes, length-delimited (wire type 2).
   *
   * @param s - the string
   */
  string(s: string): this {
    return this.bytes(utf8.encode(s));
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
