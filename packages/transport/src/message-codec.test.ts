import { background, isKitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeJSONMessage, encodeJSONMessage } from "./message-codec.ts";
import type { OutgoingMessage } from "./message.ts";

const message = (text: string) => ({ body: new TextEncoder().encode(text), headers: new Map<string, string>(), attempt: 1 });

describe("decodeJSONMessage", () => {
  it("decodes the body as JSON and checks it with the schema", async () => {
    const decode = decodeJSONMessage(z.object({ a: z.number() }));
    await expect(decode(background(), message('{"a":1}'))).resolves.toEqual({ a: 1 });
    const err: unknown = await Promise.resolve(decode(background(), message('{"a":"1"}'))).catch((e: unknown) => e);
    expect(isKitError(err) && [err.code, err.message]).toEqual(["invalid_argument", "a: Invalid input: expected number, received string"]);
  });

  it("refuses malformed JSON with invalid_argument", () => {
    expect(() => decodeJSONMessage()(background(), message("{"))).toThrow(/malformed JSON/);
  });
});

describe("encodeJSONMessage", () => {
  it("writes JSON and its content-type", () => {
    const out: OutgoingMessage = { body: new Uint8Array(0), headers: new Map() };
    encodeJSONMessage(background(), { v: 3 }, out);
    expect(new TextDecoder().decode(out.body)).toBe('{"v":3}');
    expect(out.headers.get("content-type")).toBe("application/json");
  });
});
