/**
 * The protobuf wire format as plain code, emitted at the top of every `<base>.pb.ts`: a writer
 * and a reader of varints (`int32`/`int64` as two's complement, through `BigInt` only for
 * negative or large values), doubles, and length-delimited bytes. No runtime library.
 */
export const protobufRuntime = `/** A plain object, as the codec reads and writes it. */
export type Obj = Readonly<Record<string, unknown>>;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Writes protobuf's wire format into a growing buffer. */
class Writer {
  private buf = new Uint8Array(64);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** A varint of a non-negative safe integer. */
  uint(n: number): void {
    this.room(10);
    let v = n;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) + 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** A varint of a signed integer (\`int32\`, \`int64\`): a negative one as 64-bit two's complement. */
  int(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(\`expected a safe integer, got \${n}\`);
    if (n >= 0) {
      this.uint(n);
      return;
    }
    this.room(10);
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v % 0x80n) + 0x80;
      v /= 0x80n;
    }
    this.buf[this.pos++] = Number(v);
  }

  tag(field: number, wire: number): void {
    this.uint(field * 8 + wire);
  }

  double(n: number): void {
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, n, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(s: string): void {
    this.bytes(utf8.encode(s));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads protobuf's wire format; throws on a truncated or malformed message. */
class Reader {
  private pos = 0;
  private readonly buf: Uint8Array;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new Error("truncated message");
    return b;
  }

  /** A varint, as a non-negative number (exact up to 2^53). */
  uint(): number {
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      n += (b % 0x80) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
    }
    throw new Error("malformed varint");
  }

  /** A varint as a signed integer of \`bits\` bits (two's complement). */
  int(bits: 32 | 64): number {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      v += BigInt(b % 0x80) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(bits, v));
      shift += 7n;
    }
    throw new Error("malformed varint");
  }

  double(): number {
    if (this.pos + 8 > this.buf.length) throw new Error("truncated message");
    const n = new DataView(this.buf.buffer, this.buf.byteOffset).getFloat64(this.pos, true);
    this.pos += 8;
    return n;
  }

  bytes(): Uint8Array {
    const n = this.uint();
    if (this.pos + n > this.buf.length) throw new Error("truncated message");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    return fromUtf8.decode(this.bytes());
  }

  /** A length-delimited message, as a reader of its own. */
  sub(): Reader {
    return new Reader(this.bytes());
  }

  /** The next field's number and wire type. */
  tag(): [number, number] {
    const t = this.uint();
    return [Math.floor(t / 8), t % 8];
  }

  /** Throws unless a field came with the wire type its declaration needs. */
  want(wire: number, expected: number): void {
    if (wire !== expected) throw new Error(\`wire type \${wire} where \${expected} was expected\`);
  }

  /** Steps over a field this codec does not know. */
  skip(wire: number): void {
    if (wire === 0) this.uint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new Error(\`unknown wire type \${wire}\`);
    if (this.pos > this.buf.length) throw new Error("truncated message");
  }

  /** The elements of a repeated numeric field, packed (one length-delimited run) or not (one element). */
  each(wire: number, scalarWire: number, read: (r: Reader) => unknown): unknown[] {
    if (wire !== 2) {
      this.want(wire, scalarWire);
      return [read(this)];
    }
    const packed = this.sub();
    const out: unknown[] = [];
    while (!packed.done) out.push(read(packed));
    return out;
  }
}
`;

/** The enum helpers, emitted only when the service has an enum (unused code fails \`noUnusedLocals\`). */
export const protobufEnumRuntime = `
/** The string literal an enum number stands for (1-based; 0 is unspecified), or the number when unknown. */
function enumValue(values: readonly string[], n: number): unknown {
  return values[n - 1] ?? n;
}

/** The number of a string literal in an enum (1-based). */
function enumNumber(values: readonly string[], value: unknown): number {
  return values.indexOf(value as string) + 1;
}
`;
