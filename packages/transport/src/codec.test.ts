import { isKitError, type KitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { jsonCodec } from "./codec.ts";

function thrown(fn: () => unknown): KitError {
  try {
    fn();
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("did not throw");
}

describe("jsonCodec", () => {
  it("round-trips a value through UTF-8 JSON bytes", () => {
    const value = { a: 1, text: "héllo ✓", list: [true, null] };
    const bytes = jsonCodec.encode(value);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1,"text":"héllo ✓","list":[true,null]}');
    expect(jsonCodec.decode(bytes)).toEqual(value);
    expect(jsonCodec.contentType).toBe("application/json");
  });

  it("refuses malformed JSON as invalid_argument naming the parse problem", () => {
    const err = thrown(() => jsonCodec.decode(new TextEncoder().encode('{"a":')));
    expect(err.code).toBe("invalid_argument");
    expect(err.message).toMatch(/^malformed JSON: .*JSON/);
    expect(thrown(() => jsonCodec.decode(new Uint8Array())).message).toBe("malformed JSON: Unexpected end of JSON input");
  });

  it("refuses bytes that are not UTF-8", () => {
    const err = thrown(() => jsonCodec.decode(new Uint8Array([0x22, 0xff, 0x22])));
    expect([err.code, err.message]).toEqual(["invalid_argument", "malformed JSON: not valid UTF-8"]);
  });

  it("writes undefined as null and refuses values JSON cannot hold as internal", () => {
    expect(new TextDecoder().decode(jsonCodec.encode(undefined))).toBe("null");
    const err = thrown(() => jsonCodec.encode({ n: 1n }));
    expect(err.code).toBe("internal");
    expect(err.message).toMatch(/^cannot encode as JSON: .*BigInt/);
  });
});
