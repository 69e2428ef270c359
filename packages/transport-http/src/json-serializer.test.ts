import { describe, expect, it } from "vitest";
import { closeAll, listen, postJSON } from "../test/support/listen.ts";
import { decodeJSON, encodeJSONWith } from "./codec.ts";
import { jsonSerializer, type JSONShape } from "./json-serializer.ts";
import { server } from "./server.ts";
import { afterEach } from "vitest";

afterEach(closeAll);

// A seeded generator, so a failure can be replayed.
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

/** A string of random code units: ASCII, controls, quotes, backslashes, lone and paired surrogates, and the rest. */
function randomString(next: () => number): string {
  const pool = [0x00, 0x08, 0x0a, 0x1f, 0x20, 0x22, 0x5c, 0x2f, 0x7f, 0xe9, 0x2028, 0x2029, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffe];
  let out = "";
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) {
    const pick = next();
    if (pick < 0.5) out += String.fromCharCode(0x20 + Math.floor(next() * 95));
    else if (pick < 0.8) out += String.fromCharCode(pool[Math.floor(next() * pool.length)] ?? 0);
    else if (pick < 0.9) out += "😀";
    else out += String.fromCharCode(Math.floor(next() * 0x10000));
  }
  return out;
}

function randomNumber(next: () => number): number {
  const specials = [0, -0, 1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Infinity, -Infinity, 0.1 + 0.2];
  return next() < 0.3 ? (specials[Math.floor(next() * specials.length)] ?? 0) : (next() - 0.5) * 10 ** Math.floor(next() * 30);
}

describe("jsonSerializer", () => {
  const shape: JSONShape = { id: "string", n: "number", ok: "boolean", tags: ["string"], inner: { v: "number", any: "any" } };
  const write = jsonSerializer(shape);

  it("writes exactly what JSON.stringify writes for every value of its shape, escaping included", () => {
    const next = random(42);
    for (let i = 0; i < 5_000; i++) {
      const value = {
        id: randomString(next),
        n: randomNumber(next),
        ok: next() < 0.5,
        tags: Array.from({ length: Math.floor(next() * 4) }, () => randomString(next)),
        inner: { v: randomNumber(next), any: next() < 0.5 ? { x: [randomString(next), null] } : randomString(next) },
      };
      expect(write(value)).toBe(JSON.stringify(value));
    }
  });

  it("falls back to JSON.stringify for a value off its shape, and leaves out undefined fields and unnamed ones", () => {
    const date = new Date(0);
    const cases: [unknown, unknown][] = [
      [{ id: 7, n: "7", ok: "yes", tags: "a", inner: date }, { id: 7, n: "7", ok: "yes", tags: "a", inner: date }],
      [{ id: undefined, n: () => 1, ok: true, extra: 1 }, { ok: true }],
      [{ id: "x", tags: [undefined, "a", Symbol("s")], inner: null }, { id: "x", tags: [undefined, "a", Symbol("s")], inner: null }],
      [{}, {}],
    ];
    for (const [value, same] of cases) expect(write(value)).toBe(JSON.stringify(same));
    expect(write(null)).toBe("null");
    expect(write(undefined)).toBe("null");
    expect(jsonSerializer(["number"])([1, Number.NaN, undefined])).toBe("[1,null,null]");
  });

  it("serves responses through encodeJSONWith, with encodeJSON's headers and newline", async () => {
    const sum = jsonSerializer<{ v: number }>({ v: "number" });
    const { url } = await listen(server((_ctx, { a, b }: { a: number; b: number }) => Promise.resolve({ v: a + b }), decodeJSON(), encodeJSONWith(sum)));
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1,"b":2}' });
    expect([res.status, res.headers.get("content-type"), await res.text()]).toEqual([200, "application/json; charset=utf-8", '{"v":3}\n']);
    const failing = await listen(server(() => Promise.resolve(1), decodeJSON(), encodeJSONWith(() => { throw new Error("no"); })));
    const refused = await postJSON(failing.url, "{}");
    expect([refused.status, refused.body]).toEqual([500, { code: "internal", message: "cannot encode as JSON: no" }]);
  });
});
