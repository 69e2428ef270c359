import { ProtobufError } from "./error.ts";

const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The largest field number protobuf allows: 2^29 - 1. */
const maxField = 536_870_911;

/** The longest varint: ten bytes hold 64 bits. */
const maxVarintBytes = 10;

/**
 * Reads protobuf's wire format from bytes, one item at a time, in the order
 * {@link Writer} wrote them. Every read either returns a value and moves past it, or throws a
 * {@link ProtobufError} for bytes that are truncated or malformed: a loop reading fields until
 * {@link Reader.done} always ends.
 *
 * @example
 * ```ts
 * const r = new Reader(Uint8Array.of(0x0a, 0x03, 0x6b, 0x69, 0x74));
 * const [field, wire] = r.tag(); // 1, 2
 * r.want(wire, 2);
 * r.string(); // "kit"
 * r.done; // true
 * ```
 */
export class Reader {
  private pos = 0;
  private readonly buf: Uint8Array;

  /** @param buf - the message's bytes; the reader keeps a view of them, not a copy */
  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Whether every byte has been read. */
  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Throws unless `n` more bytes are there to read. */
  private need(n: number, what: string): void {
    const left = this.buf.length - this.pos;
    if (n > left) throw new ProtobufError(`truncated message: ${what} of ${String(n)} bytes where ${String(left)} are left`);
  }

  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new ProtobufError("truncated message: a varint runs past the end");
    this.pos += 1;
    return b;
  }

  /**
   * A varint as a non-negative number: a `bool`, an enum's number, a length. Exact up to 2^53;
   * larger values lose their low bits, as any `number` does.
   */
  uint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < maxVarintBytes; i++) {
      const b = this.byte();
      n += (b % 0x80) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
    throw new ProtobufError(`malformed varint: longer than ${String(maxVarintBytes)} bytes`);
  }

  /**
   * A varint as a signed integer of `bits` bits, two's complement: an `int32` or an `int64`
   * (exact within the safe integers).
   *
   * @param bits - 32 or 64: the integer's width
   */
  int(bits: 32 | 64): number {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < maxVarintBytes; i++) {
      const b = this.byte();
      v += BigInt(b % 0x80) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(bits, v));
      shift += 7n;
    }
    throw new ProtobufError(`malformed varint: longer than ${String(maxVarintBytes)} bytes`);
  }

  /** A `double`: eight bytes, little-endian. */
  double(): number {
    this.need(8, "a double");
    const n = new DataView(this.buf.buffer, this.buf.byteOffset).getFloat64(this.pos, true);
    this.pos += 8;
    return n;
  }

  /** Length-delimited bytes: a view of the message's own bytes, not a copy. */
  bytes(): Uint8Array {
    const n = this.uint();
    this.need(n, "a length-delimited field");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A `string`: length-delimited UTF-8; bytes that are not UTF-8 are a {@link ProtobufError}. */
  string(): string {
    const bytes = this.bytes();
    try {
      return fromUtf8.decode(bytes);
    } catch (err) {
      throw new ProtobufError("malformed string: not UTF-8", { cause: err });
    }
  }

  /** An embedded message (length-delimited), as a reader of its own. */
  sub(): Reader {
    return new Reader(this.bytes());
  }

  /** The next field's number and wire type; a field number of 0 or past 2^29 - 1 is a {@link ProtobufError}. */
  tag(): [field: number, wire: number] {
    const t = this.uint();
    const field = Math.floor(t / 8);
    if (field < 1 || field > maxField) throw new ProtobufError(`malformed tag: field number ${String(field)}`);
    return [field, t % 8];
  }

  /**
   * Throws a {@link ProtobufError} unless a field came with the wire type its declaration needs.
   *
   * @param wire - the wire type the tag gave
   * @param expected - the wire type of the field's declared type
   */
  want(wire: number, expected: number): void {
    if (wire !== expected) throw new ProtobufError(`wire type ${String(wire)} where ${String(expected)} was expected`);
  }

  /**
   * Steps over the value of a field the reader does not know (protobuf's rule for unknown
   * fields); a wire type protobuf does not define, or a group (3, 4), is a {@link ProtobufError}.
   *
   * @param wire - the wire type the field's tag gave
   */
  skip(wire: number): void {
    if (wire === 0) this.uint();
    else if (wire === 2) this.bytes();
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      this.need(n, `a ${String(n * 8)}-bit field`);
      this.pos += n;
    } else throw new ProtobufError(`unknown wire type ${String(wire)}`);
  }

  /**
   * The elements of a repeated numeric field: packed (one length-delimited run of values, wire
   * type 2) or not (one element with the element's own wire type). Protobuf lets a writer use
   * either, so a reader takes both.
   *
   * @param wire - the wire type the field's tag gave
   * @param scalarWire - the wire type of one element (0 for a varint, 1 for a `double`)
   * @param read - reads one element from the reader it is given
   */
  each<T>(wire: number, scalarWire: number, read: (r: Reader) => T): T[] {
    if (wire !== 2) {
      this.want(wire, scalarWire);
      return [read(this)];
    }
    const packed = this.sub();
    const out: T[] = [];
    while (!packed.done) out.push(read(packed));
    return out;
  }
}
