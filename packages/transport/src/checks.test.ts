import { isKitError } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { arr, bool, goResult, goStruct, lit, nothing, nul, num, obj, objFold, oneOf, rec, schema, str, wrapped, type Check } from "./checks.ts";
import { validate } from "./schema.ts";

/** What `validate` says of `value` under `check`: the value, or the invalid_argument message. */
async function verdict(check: Check<unknown>, value: unknown): Promise<unknown> {
  try {
    return { value: await validate(schema(check), value) };
  } catch (error) {
    if (!isKitError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

const bad = (message: string): unknown => ({ code: "invalid_argument", message });

const order = obj([
  ["customer", false, str(1, 20, undefined)],
  ["items", false, arr(obj([["sku", false, str(0, Infinity, /^[A-Z]{3}-\d{3}$/u)], ["quantity", false, num("int32", 1, 100)]]))],
  ["note", true, str(0, Infinity, undefined)],
]);

describe("schema", () => {
  it("is a Standard Schema of vendor kitgen", () => {
    const standard = schema(bool)["~standard"];
    expect([standard.version, standard.vendor]).toEqual([1, "kitgen"]);
  });

  it("gives back the checked value, without unknown fields", async () => {
    const value = { customer: "ann", items: [{ sku: "ABC-123", quantity: 2, extra: 1 }], other: true };
    expect(await verdict(order, value)).toEqual({ value: { customer: "ann", items: [{ sku: "ABC-123", quantity: 2 }] } });
  });

  it("names the field path of each bad value", async () => {
    const items = [{ sku: "ABC-123", quantity: 1 }, { sku: "ABC-124", quantity: 1 }, { sku: "abc", quantity: 1.5 }];
    expect(await verdict(order, { customer: "", items })).toEqual(
      bad("customer: expected at least 1 characters; items[2].sku: expected to match /^[A-Z]{3}-\\d{3}$/u; items[2].quantity: expected an integer"),
    );
    expect(await verdict(order, { items: "none" })).toEqual(bad("customer: required; items: expected an array"));
    expect(await verdict(order, null)).toEqual(bad("expected an object"));
  });
});

describe("scalar checkers", () => {
  it("reject what is not of their type", async () => {
    expect(await verdict(str(0, Infinity, undefined), 1)).toEqual(bad("expected a string"));
    expect(await verdict(num("", -Infinity, Infinity), "1")).toEqual(bad("expected a number"));
    expect(await verdict(num("", -Infinity, Infinity), Number.NaN)).toEqual(bad("expected a number"));
    expect(await verdict(bool, "true")).toEqual(bad("expected a boolean"));
    expect(await verdict(nul, undefined)).toEqual(bad("expected null"));
    expect(await verdict(nothing, 0)).toEqual(bad("expected no value"));
    expect(await verdict(lit("on"), "off")).toEqual(bad('expected "on"'));
  });

  it("check lengths, ranges and integer sizes", async () => {
    expect(await verdict(str(0, 3, undefined), "long")).toEqual(bad("expected at most 3 characters"));
    expect(await verdict(num("", 0, 10), -1)).toEqual(bad("expected at least 0"));
    expect(await verdict(num("", 0, 10), 11)).toEqual(bad("expected at most 10"));
    expect(await verdict(num("int32", -Infinity, Infinity), 2 ** 31)).toEqual(bad("expected a 32-bit integer"));
    expect(await verdict(num("int64", -Infinity, Infinity), 2 ** 53)).toEqual(bad("expected a safe integer"));
    expect(await verdict(num("int32", -Infinity, Infinity), -(2 ** 31))).toEqual({ value: -(2 ** 31) });
  });
});

describe("composite checkers", () => {
  it("rec checks every value under its key", async () => {
    expect(await verdict(rec(num("", 0, Infinity)), { a: 1, b: -1 })).toEqual(bad("b: expected at least 0"));
    expect(await verdict(rec(bool), [])).toEqual(bad("expected an object"));
  });

  it("objFold matches keys whatever their case, the last match winning", async () => {
    const check = objFold([["userId", false, num("int64", -Infinity, Infinity)]]);
    expect(await verdict(check, { USERID: 1, userid: 2 })).toEqual({ value: { userId: 2 } });
    expect(await verdict(check, { user_id: 1 })).toEqual(bad("userId: required"));
  });

  it("wrapped takes the result out of its field", async () => {
    expect(await verdict(wrapped("v", false, num("", -Infinity, Infinity)), { v: 3 })).toEqual({ value: 3 });
    expect(await verdict(wrapped("v", true, num("", -Infinity, Infinity)), { V: 3 })).toEqual({ value: 3 });
    expect(await verdict(wrapped("v", false, bool), { V: true })).toEqual(bad("v: required"));
    expect(await verdict(wrapped("v", false, bool), { v: 1 })).toEqual(bad("v: expected a boolean"));
  });

  it("oneOf takes the first member that fits, else names the union", async () => {
    const check = oneOf([lit("a"), nul], '"a" | null');
    expect(await verdict(check, null)).toEqual({ value: null });
    expect(await verdict(check, "b")).toEqual(bad('expected "a" | null'));
  });
});

describe("Go JSON checkers", () => {
  const sum = goStruct("addendpoint.SumRequest", [["a", "A", "int"], ["b", "B", "float64"], ["s", "S", "string"], ["t", "T", "bool"]]);

  it("goStruct fills a Go struct: any key case, zero values for missing or null fields", async () => {
    expect(await verdict(sum, { A: 1, b: 1.5, S: null })).toEqual({ value: { a: 1, b: 1.5, s: "", t: false } });
    expect(await verdict(sum, null)).toEqual({ value: { a: 0, b: 0, s: "", t: false } });
  });

  it("goStruct says what Go says of a mismatch", async () => {
    expect(await verdict(sum, { a: 1.5 })).toEqual(bad("json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int"));
    expect(await verdict(sum, { s: true })).toEqual(bad("json: cannot unmarshal bool into Go struct field SumRequest.S of type string"));
    expect(await verdict(sum, [1])).toEqual(bad("json: cannot unmarshal array into Go value of type addendpoint.SumRequest"));
    expect(await verdict(sum, "x")).toEqual(bad("json: cannot unmarshal string into Go value of type addendpoint.SumRequest"));
  });

  it("goResult reads the result in its field or says what it got", async () => {
    const check = goResult("v", "an integer", num("int64", -Infinity, Infinity));
    expect(await verdict(check, { V: 3 })).toEqual({ value: 3 });
    expect(await verdict(check, { v: "3" })).toEqual(bad('want {"v": an integer}, got "3"'));
    expect(await verdict(check, {})).toEqual(bad('want {"v": an integer}, got no v'));
  });
});
