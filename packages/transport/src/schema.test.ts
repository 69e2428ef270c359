import { isKitError, type KitError } from "@kit/endpoint";
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { validate, type Schema } from "./schema.ts";

async function rejection(promise: Promise<unknown>): Promise<KitError> {
  const err: unknown = await promise.then(
    () => new Error("did not reject"),
    (e: unknown) => e,
  );
  if (isKitError(err)) return err;
  throw err;
}

const bad = { a: "x", items: [{ name: 1 }] };
const good = { a: 1, items: [{ name: "n" }] };

describe("validate", () => {
  const libraries: [string, Schema<{ a: number; items: { name: string }[] }>, string][] = [
    ["zod", z.object({ a: z.number(), items: z.array(z.object({ name: z.string() })) }), "a: Invalid input: expected number, received string; items[0].name: Invalid input: expected string, received number"],
    ["valibot", v.object({ a: v.number(), items: v.array(v.object({ name: v.string() })) }), 'a: Invalid type: Expected number but received "x"; items[0].name: Invalid type: Expected string but received 1'],
    ["arktype", type({ a: "number", items: type({ name: "string" }).array() }), "a: a must be a number (was a string); items[0].name: items[0].name must be a string (was a number)"],
  ];

  for (const [library, schema, message] of libraries) {
    it(`returns the typed output of a ${library} schema`, async () => {
      expect(await validate(schema, good)).toEqual(good);
    });

    it(`turns ${library} issues into invalid_argument naming each path and problem`, async () => {
      const err = await rejection(validate(schema, bad));
      expect(err.code).toBe("invalid_argument");
      expect(err.message).toBe(message);
      expect((err.details?.issues as { path: unknown }[]).map((i) => i.path)).toEqual([["a"], ["items", 0, "name"]]);
    });
  }

  it("infers the output type from the schema", async () => {
    const out = await validate(z.object({ n: z.string().transform((s) => s.length) }), { n: "abc" });
    expectTypeOf(out).toEqualTypeOf<{ n: number }>();
    expect(out).toEqual({ n: 3 });
  });

  it("awaits asynchronous schemas", async () => {
    const schema = z.string().refine((s) => Promise.resolve(s === "ok"), "must be ok");
    expect(await validate(schema, "ok")).toBe("ok");
    expect((await rejection(validate(schema, "no"))).message).toBe("must be ok");
  });

  it("lists at most five issues in the message and keeps them all in details", async () => {
    const schema = z.array(z.number());
    const err = await rejection(validate(schema, ["a", "b", "c", "d", "e", "f", "g"]));
    expect(err.message).toMatch(/^\[0\]: .*; \[4\]: [^;]*; and 2 more$/);
    expect(err.details?.issues).toHaveLength(7);
  });

  it("sends details that survive JSON", async () => {
    const err = await rejection(validate(v.object({ a: v.number() }), { a: "x" }));
    expect(JSON.parse(JSON.stringify(err.details))).toEqual({ issues: [{ path: ["a"], message: 'Invalid type: Expected number but received "x"' }] });
  });
});
