// The protobuf Reader on bytes that are not a well-formed message: each kind of damage is a
// ProtobufError saying what is wrong, never a read past the end, a value made up, or a loop
// that does not end (random bytes and every truncation of a real message are tried).
import { describe, expect, it } from "vitest";
import { ProtobufError, Reader, Writer } from "../src/protobuf.ts";

/** What reading `bytes` with `read` threw: its class, name and message. */
function refusal(bytes: number[], read: (r: Reader) => unknown): { protobufError: boolean; name: string; message: string } | "nothing thrown" {
  try {
    read(new Reader(Uint8Array.from(bytes)));
  } catch (err) {
    return { protobufError: err instanceof ProtobufError, name: (err as Error).name, message: (err as Error).message };
  }
  return "nothing thrown";
}

/** A ProtobufError with this message (a string, or a pattern for its start). */
function protobufError(message: string | RegExp): { protobufError: true; name: string; message: unknown } {
  return { protobufError: true, name: "ProtobufError", message: typeof message === "string" ? message : expect.stringMatching(message) };
}

/** Reads a message field by field, each value with the reader's method for its wire type, nested messages included. */
function readAll(r: Reader, depth = 0): void {
  while (!r.done) {
    const [, wire] = r.tag();
    if (wire === 2 && depth < 3) {
      const sub = r.sub();
      try {
        readAll(sub, depth + 1);
      } catch (err) {
        if (!(err instanceof ProtobufError)) throw err; // a string or bytes field, not a message
      }
    } else if (wire === 0) r.int(64);
    else if (wire === 1) r.double();
    else r.skip(wire);
  }
}

describe("Reader on malformed bytes", () => {
  it("throws on a varint cut short, wherever it is read", () => {
    for (const read of [(r: Reader) => r.uint(), (r: Reader) => r.int(64), (r: Reader) => r.tag(), (r: Reader) => r.bytes()]) {
      expect(refusal([0x96], read)).toEqual(protobufError("truncated message: a varint runs past the end"));
      expect(refusal([], read)).toEqual(protobufError(/^truncated message/));
    }
  });

  it("throws on a varint longer than ten bytes", () => {
    const eleven = [...Array<number>(10).fill(0x80), 0x01];
    expect(refusal(eleven, (r) => r.uint())).toEqual(protobufError("malformed varint: longer than 10 bytes"));
    expect(refusal(eleven, (r) => r.int(32))).toEqual(protobufError("malformed varint: longer than 10 bytes"));
  });

  it("throws on a length past the end, also one far past it, without reading or allocating it", () => {
    expect(refusal([0x05, 1, 2], (r) => r.bytes())).toEqual(protobufError("truncated message: a length-delimited field of 5 bytes where 2 are left"));
    expect(refusal([0x05, 1, 2], (r) => r.string())).toEqual(protobufError(/^truncated message/));
    expect(refusal([0x05, 1, 2], (r) => r.sub())).toEqual(protobufError(/^truncated message/));
    const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]; // a length of 2^53 - 1
    expect(refusal(huge, (r) => r.bytes())).toEqual(protobufError(`truncated message: a length-delimited field of ${String(Number.MAX_SAFE_INTEGER)} bytes where 0 are left`));
  });

  it("throws on a fixed-width value cut short", () => {
    expect(refusal([0, 0, 0, 0, 0, 0, 0xf8], (r) => r.double())).toEqual(protobufError("truncated message: a double of 8 bytes where 7 are left"));
    expect(refusal([1, 2, 3], (r) => { r.skip(1); })).toEqual(protobufError("truncated message: a 64-bit field of 8 bytes where 3 are left"));
    expect(refusal([1, 2, 3], (r) => { r.skip(5); })).toEqual(protobufError("truncated message: a 32-bit field of 4 bytes where 3 are left"));
    expect(refusal([0x03, 0, 0, 0], (r) => r.each(2, 1, (p) => p.double()))).toEqual(protobufError(/^truncated message: a double/)); // a packed run of doubles 3 bytes long
  });

  it("throws on a wire type the field's declaration does not allow, packed or not", () => {
    expect(refusal([], (r) => { r.want(0, 2); })).toEqual(protobufError("wire type 0 where 2 was expected"));
    expect(refusal([0x01, 0x02, 0x03, 0x04], (r) => r.each(5, 0, (p) => p.uint()))).toEqual(protobufError("wire type 5 where 0 was expected"));
  });

  it("throws on a wire type protobuf does not define or a group, and on field number 0", () => {
    for (const wire of [3, 4, 6, 7]) expect(refusal([0x00], (r) => { r.skip(wire); })).toEqual(protobufError(`unknown wire type ${String(wire)}`));
    expect(refusal([0x00], (r) => r.tag())).toEqual(protobufError("malformed tag: field number 0"));
    expect(refusal([0x05], (r) => r.tag())).toEqual(protobufError("malformed tag: field number 0"));
  });

  it("throws on a string that is not UTF-8, with the decoder's error as its cause", () => {
    expect(refusal([0x02, 0xc3, 0x28], (r) => r.string())).toEqual(protobufError("malformed string: not UTF-8"));
    let cause: unknown;
    try {
      new Reader(Uint8Array.of(0x02, 0xc3, 0x28)).string();
    } catch (err) {
      cause = (err as Error).cause;
    }
    expect(cause).toBeInstanceOf(TypeError);
  });

  it("ends on every truncation of a real message with a ProtobufError, and reads the whole one", () => {
    const inner = new Writer().tag(1, 0).uint(300).finish();
    const fields = new Writer().tag(1, 2).string("a name").tag(2, 0).int(-5).tag(3, 1).double(0.25).tag(4, 2).bytes(inner).finish();
    const message = new Writer().tag(1, 2).bytes(fields).finish(); // one embedded message, so that no cut falls between two fields
    expect(() => { readAll(new Reader(message)); }).not.toThrow();
    for (let end = 1; end < message.length; end++) {
      expect(() => { readAll(new Reader(message.subarray(0, end))); }, `cut at ${String(end)}`).toThrow(ProtobufError);
    }
  });

  it("ends on 5,000 random byte strings, each read whole or refused with a ProtobufError", () => {
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    let read = 0;
    let refused = 0;
    const others: unknown[] = []; // anything thrown that is not a ProtobufError
    for (let i = 0; i < 5_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256));
      try {
        readAll(new Reader(bytes));
        read += 1;
      } catch (err) {
        if (err instanceof ProtobufError) refused += 1;
        else others.push(err);
      }
    }
    expect(others).toEqual([]);
    expect({ read: read > 0, refused: refused > 0 }).toEqual({ read: true, refused: true });
  });
});
