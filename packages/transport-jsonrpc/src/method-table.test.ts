import { background, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { paramsAsRequest, resultAsIs } from "./method.ts";
import { methodCodec, methodTable } from "./method-table.ts";

const sum: Endpoint<{ a: number; b: number }, number> = (_ctx, { a, b }) => Promise.resolve(a + b);
const concat: Endpoint<{ a: string; b: string }, string> = (_ctx, { a, b }) => Promise.resolve(a + b);

describe("methodCodec", () => {
  it("is the endpoint with its decoder and encoder", async () => {
    const decode = paramsAsRequest<{ a: number; b: number }>();
    const encode = (_ctx: unknown, v: number) => ({ v });
    const codec = methodCodec(sum, decode, encode);
    expect(codec).toEqual({ endpoint: sum, decode, encode });
    expect(codec.encode(background(), await codec.endpoint(background(), { a: 1, b: 2 }))).toEqual({ v: 3 });
  });
});

describe("methodTable", () => {
  it("serves each method under its name", () => {
    const table = methodTable([
      ["add.sum", methodCodec(sum, paramsAsRequest(), resultAsIs)],
      ["add.concat", methodCodec(concat, paramsAsRequest(), resultAsIs)],
    ]);
    expect(Object.keys(table)).toEqual(["add.sum", "add.concat"]);
    expect(table["add.concat"]?.endpoint).toBe(concat);
  });

  it("refuses two methods under one name, naming it", () => {
    const twice = () =>
      methodTable([
        ["add.sum", methodCodec(sum, paramsAsRequest(), resultAsIs)],
        ["add.sum", methodCodec(concat, paramsAsRequest(), resultAsIs)],
      ]);
    expect(twice).toThrow(new Error('two methods are served as the JSON-RPC method "add.sum": give each its own name'));
  });

  it("of no entries is an empty table", () => {
    expect(methodTable([])).toEqual({});
  });
});
