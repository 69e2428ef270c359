import { describe, expect, it } from "vitest";
import { BlockCache } from "./block-cache.ts";

const made = (headers: ReadonlyMap<string, string>): Uint8Array => Buffer.from(JSON.stringify([...headers]));

describe("BlockCache", () => {
  it("makes a block once for the same headers, and apart for headers in another order or with other values", () => {
    const cache = new BlockCache(100);
    let calls = 0;
    const make = (headers: ReadonlyMap<string, string>): Uint8Array => {
      calls++;
      return made(headers);
    };
    const first = cache.get(new Map([["a", "1"], ["b", "2"]]), make);
    expect(cache.get(new Map([["a", "1"], ["b", "2"]]), make)).toBe(first);
    expect(calls).toBe(1);
    expect(Buffer.from(cache.get(new Map([["b", "2"], ["a", "1"]]), make)).toString()).toBe('[["b","2"],["a","1"]]');
    expect(Buffer.from(cache.get(new Map([["a", "1"]]), make)).toString()).toBe('[["a","1"]]');
    expect(calls).toBe(3);
  });

  it("throws what make throws and keeps nothing for it", () => {
    const cache = new BlockCache(100);
    const refuse = (): Uint8Array => {
      throw new TypeError("bad header");
    };
    expect(() => cache.get(new Map([["a", "\n"]]), refuse)).toThrow("bad header");
    expect(() => cache.get(new Map([["a", "\n"]]), refuse)).toThrow("bad header");
  });

  it("starts over past its limit, still giving each headers their own block", () => {
    const cache = new BlockCache(4);
    let calls = 0;
    const make = (headers: ReadonlyMap<string, string>): Uint8Array => {
      calls++;
      return made(headers);
    };
    for (let i = 0; i < 10; i++) expect(Buffer.from(cache.get(new Map([["kit-timeout", String(i)]]), make)).toString()).toBe(`[["kit-timeout","${i}"]]`);
    expect(calls).toBe(10);
    cache.get(new Map([["kit-timeout", "9"]]), make);
    expect(calls).toBe(10);
  });
});
