// The protobuf Writer: the bytes of each item are the ones the protobuf encoding spec gives
// (its own examples where it has them), and values a `number` cannot write exactly are a
// RangeError rather than wrong bytes.
import { describe, expect, it } from "vitest";
import { Writer } from "../src/protobuf.ts";

/** The bytes the calls on a fresh writer produce. */
function written(write: (w: Writer) => Writer): number[] {
  return [...write(new Writer()).finish()];
}

describe("Writer", () => {
  it("writes a varint in 7-bit groups, least significant first, as the spec's 150 → 96 01", () => {
    expect(written((w) => w.uint(0))).toEqual([0x00]);
    expect(written((w) => w.uint(1))).toEqual([0x01]);
    expect(written((w) => w.uint(127))).toEqual([0x7f]);
    expect(written((w) => w.uint(128))).toEqual([0x80, 0x01]);
    expect(written((w) => w.uint(150))).toEqual([0x96, 0x01]);
    expect(written((w) => w.uint(300))).toEqual([0xac, 0x02]);
    expect(written((w) => w.uint(Number.MAX_SAFE_INTEGER))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it("refuses an unsigned varint that is negative, fractional or past 2^53 - 1 with a RangeError, and returns", () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => new Writer().uint(n)).toThrow(RangeError);
    }
    expect(() => new Writer().uint(-1)).toThrow("expected a non-negative safe integer, got -1");
  });

  it("writes a signed integer as itself when not negative, and a negative one as ten bytes of two's complement", () => {
    expect(written((w) => w.int(150))).toEqual([0x96, 0x01]);
    expect(written((w) => w.int(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(written((w) => w.int(-2))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(written((w) => w.int(Number.MIN_SAFE_INTEGER))).toEqual([0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0xf0, 0xff, 0x01]);
    expect(() => new Writer().int(0.5)).toThrow("expected a safe integer, got 0.5");
    expect(() => new Writer().int(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
  });

  it("writes a tag as field number × 8 + wire type, and refuses a field number or wire type protobuf does not have", () => {
    expect(written((w) => w.tag(1, 0))).toEqual([0x08]);
    expect(written((w) => w.tag(2, 2))).toEqual([0x12]);
    expect(written((w) => w.tag(16, 1))).toEqual([0x81, 0x01]);
    expect(written((w) => w.tag(2 ** 29 - 1, 5))).toEqual([0xfd, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => new Writer().tag(0, 0)).toThrow("expected a field number from 1 to 536870911, got 0");
    expect(() => new Writer().tag(2 ** 29, 0)).toThrow(RangeError);
    expect(() => new Writer().tag(1, 8)).toThrow("expected a wire type from 0 to 7, got 8");
  });

  it("writes a double as eight little-endian bytes, negative zero, NaN and infinity included", () => {
    expect(written((w) => w.double(1.5))).toEqual([0, 0, 0, 0, 0, 0, 0xf8, 0x3f]);
    expect(written((w) => w.double(-0))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(written((w) => w.double(Number.POSITIVE_INFINITY))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
    expect(written((w) => w.double(Number.NaN))).toHaveLength(8);
  });

  it("writes bytes and strings length-delimited, a string as UTF-8, as the spec's field 2 = \"testing\"", () => {
    expect(written((w) => w.bytes(new Uint8Array(0)))).toEqual([0x00]);
    expect(written((w) => w.bytes(Uint8Array.of(1, 2, 3)))).toEqual([0x03, 1, 2, 3]);
    expect(written((w) => w.tag(2, 2).string("testing"))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(written((w) => w.string("é"))).toEqual([0x02, 0xc3, 0xa9]);
  });

  it("grows past its first buffer without losing what it wrote", () => {
    const w = new Writer();
    const big = new Uint8Array(300).map((_, i) => i % 256);
    w.bytes(big);
    for (let i = 0; i < 1_000; i++) w.uint(i);
    const out = w.finish();
    expect([...out.subarray(0, 2)]).toEqual([0xac, 0x02]); // 300
    expect(out.subarray(2, 302)).toEqual(big);
    expect(out.length).toBe(302 + 128 + 872 * 2); // 0–127 take one byte, 128–999 two
  });
});
