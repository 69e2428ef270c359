import { describe, expect, it } from "vitest";
import { RecentBytes } from "./recent-bytes.ts";

/** A RecentBytes that decodes as `Buffer#toString` does, counting how often it decodes. */
function texts(size: number, maxBytes: number): { readonly recent: RecentBytes<string, Buffer>; readonly made: () => number } {
  let made = 0;
  const recent = new RecentBytes(size, maxBytes, (bytes: Buffer) => {
    made++;
    return bytes.toString();
  });
  return { recent, made: () => made };
}

describe("RecentBytes", () => {
  it("gives what make gives, for bytes seen before and new ones, text or not", () => {
    const { recent } = texts(2, 64);
    const inputs = ["application/json", "application/jsoN", "application/json", "héllo €", "", "x"].map((s) => Buffer.from(s));
    inputs.push(Buffer.from([0xff, 0x61]), Buffer.from([0xff, 0x62]), Buffer.from([0xff, 0x61]));
    for (const bytes of inputs) expect(recent.get(bytes)).toBe(bytes.toString());
  });

  it("makes a value once for bytes seen lately, and again once they were pushed out by newer ones", () => {
    const { recent, made } = texts(2, 64);
    for (const text of ["a", "b", "a", "b"]) recent.get(Buffer.from(text));
    expect(made()).toBe(2);
    recent.get(Buffer.from("c")); // replaces "a", the oldest
    recent.get(Buffer.from("b"));
    expect(made()).toBe(3);
    recent.get(Buffer.from("a"));
    expect(made()).toBe(4);
  });

  it("recognises bytes whatever they are a view of, and hands make the bytes it was given", () => {
    const seen: Uint8Array[] = [];
    const recent = new RecentBytes(4, 64, (bytes: Uint8Array) => {
      seen.push(bytes);
      return bytes.length;
    });
    const read = new Uint8Array([1, 2, 3, 9, 1, 2, 3]);
    const first = read.subarray(0, 3);
    expect(recent.get(first)).toBe(3);
    expect(recent.get(read.subarray(4))).toBe(3);
    expect(seen).toEqual([first]);
    expect(seen[0]).toBe(first);
  });

  it("keeps its own copy, so later writes to the bytes read change nothing", () => {
    const { recent } = texts(4, 64);
    const bytes = Buffer.from("abc");
    expect(recent.get(bytes)).toBe("abc");
    bytes.write("xyz");
    expect(recent.get(Buffer.from("abc"))).toBe("abc");
    expect(recent.get(bytes)).toBe("xyz");
  });

  it("makes longer byte strings afresh every time", () => {
    const { recent, made } = texts(4, 3);
    expect([recent.get(Buffer.from("abcd")), recent.get(Buffer.from("abcd")), recent.get(Buffer.from("abc")), recent.get(Buffer.from("abc"))]).toEqual(["abcd", "abcd", "abc", "abc"]);
    expect(made()).toBe(3);
  });

  it("refuses a size or a byte limit that is not a whole number in range, naming it", () => {
    const make = (bytes: Uint8Array): number => bytes.length;
    expect(() => new RecentBytes(0, 64, make)).toThrow(/^size must be a whole number above 0, got 0$/);
    expect(() => new RecentBytes(1.5, 64, make)).toThrow(/size/);
    expect(() => new RecentBytes(4, -1, make)).toThrow(/^maxBytes must be a whole number of 0 or more, got -1$/);
    expect(() => new RecentBytes(4, Number.NaN, make)).toThrow(/maxBytes/);
  });
});
