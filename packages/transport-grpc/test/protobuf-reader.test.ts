// The protobuf Reader on well-formed bytes: it reads back what the Writer wrote, item by item,
// with the spec's own examples, and steps over fields it does not know as protobuf requires.
import { describe, expect, it } from "vitest";
import { Reader, Writer } from "../src/protobuf.ts";

/** Bytes made by a writer. */
function bytesOf(write: (w: Writer) => Writer): Uint8Array {
  return write(new Writer()).finish();
}

describe("Reader", () => {
  it("reads varints back, the spec's 96 01 as 150, and is done after the last byte", () => {
    const r = new Reader(Uint8Array.of(0x96, 0x01, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f));
    expect(r.uint()).toBe(150);
    expect(r.uint()).toBe(0);
    expect(r.uint()).toBe(127);
    expect(r.done).toBe(false);
    expect(r.uint()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.done).toBe(true);
  });

  it("reads signed integers at the width asked for, wrapping as two's complement", () => {
    for (const n of [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      expect(new Reader(bytesOf((w) => w.int(n))).int(64)).toBe(n);
    }
    expect(new Reader(bytesOf((w) => w.int(-7))).int(32)).toBe(-7);
    expect(new Reader(bytesOf((w) => w.uint(2 ** 31))).int(32)).toBe(-(2 ** 31));
    expect(new Reader(bytesOf((w) => w.uint(2 ** 32 + 5))).int(32)).toBe(5);
  });

  it("reads doubles back bit for bit", () => {
    for (const n of [0, -0, 1.5, -2.25e-300, Number.MAX_VALUE, Number.NEGATIVE_INFINITY, Number.NaN]) {
      expect(new Reader(bytesOf((w) => w.double(n))).double()).toBe(n);
    }
  });

  it("reads the spec's field 2 = \"testing\": its tag, then the string", () => {
    const r = new Reader(Uint8Array.of(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67));
    expect(r.tag()).toEqual([2, 2]);
    expect(r.string()).toBe("testing");
    expect(r.done).toBe(true);
  });

  it("reads bytes as a view of the message, strings as UTF-8, and an embedded message as a reader of its own", () => {
    const inner = bytesOf((w) => w.tag(1, 0).uint(7));
    const r = new Reader(bytesOf((w) => w.bytes(Uint8Array.of(9, 8)).string("héllo, 世界").bytes(inner).uint(42)));
    expect([...r.bytes()]).toEqual([9, 8]);
    expect(r.string()).toBe("héllo, 世界");
    const sub = r.sub();
    expect(sub.tag()).toEqual([1, 0]);
    expect(sub.uint()).toBe(7);
    expect(sub.done).toBe(true);
    expect(r.uint()).toBe(42); // the outer reader went past the whole embedded message
  });

  it("accepts the wire type a field needs", () => {
    const r = new Reader(Uint8Array.of(0x0a, 0x00));
    const [, wire] = r.tag();
    r.want(wire, 2);
    expect(r.bytes()).toEqual(new Uint8Array(0));
  });

  it("steps over an unknown field of every wire type and reads the known one after it", () => {
    const r = new Reader(
      bytesOf((w) =>
        w
          .tag(10, 0)
          .int(-1)
          .tag(11, 1)
          .double(3.5)
          .tag(12, 2)
          .string("skipped")
          .tag(13, 5)
          .bytes(Uint8Array.of(1, 2, 3)) // 4 bytes: the length and three more, as a fixed32 would be
          .tag(1, 2)
          .string("kept"),
      ),
    );
    const seen: string[] = [];
    while (!r.done) {
      const [field, wire] = r.tag();
      if (field === 1) seen.push(r.string());
      else r.skip(wire);
    }
    expect(seen).toEqual(["kept"]);
  });

  it("reads a repeated number packed (one run) and unpacked (one element per tag), as protobuf lets a writer choose", () => {
    const run = new Writer().int(3).int(270).int(-1).finish();
    const packed = new Reader(bytesOf((w) => w.bytes(run)));
    expect(packed.each(2, 0, (p) => p.int(64))).toEqual([3, 270, -1]);
    const unpacked = new Reader(bytesOf((w) => w.double(2.5)));
    expect(unpacked.each(1, 1, (p) => p.double())).toEqual([2.5]);
    expect(new Reader(Uint8Array.of(0x00)).each(2, 0, (p) => p.uint())).toEqual([]); // an empty run
  });
});
