import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import { jsonLogger } from "./json.ts";
import { with as withKeyvals, withSuffix } from "./with.ts";

function line(...keyvals: unknown[]): string {
  const out = capture();
  jsonLogger(out).log(...keyvals);
  expect(out.chunks).toHaveLength(1);
  return out.chunks[0]!;
}

describe("jsonLogger", () => {
  it("writes one JSON object per line, keys in the order logged", () => {
    const out = capture();
    const logger = jsonLogger(out);
    logger.log("msg", "started", "port", 8080, "tls", false, "ratio", 0.5);
    logger.log("msg", "stopped");
    expect(out.chunks).toEqual(['{"msg":"started","port":8080,"tls":false,"ratio":0.5}\n', '{"msg":"stopped"}\n']);
  });

  it('gives the last key of an odd record the value "(MISSING)"', () => {
    expect(line("msg", "hi", "orphan")).toBe('{"msg":"hi","orphan":"(MISSING)"}\n');
  });

  it("keeps the last value of a repeated key, across the context and the record", () => {
    const out = capture();
    const logger = withSuffix(withKeyvals(jsonLogger(out), "a", 1, "b", 2), "c", 3);
    logger.log("a", 10, "c", 30, "d", 4, "d", 40);
    expect(out.chunks).toEqual(['{"b":2,"a":10,"d":40,"c":3}\n']);
  });

  it("prints an Error's message, and null for undefined and non-finite numbers", () => {
    expect(line("err", new Error("card declined"), "u", undefined, "n", null, "nan", Number.NaN, "inf", -Infinity)).toBe(
      '{"err":"card declined","u":null,"n":null,"nan":null,"inf":null}\n',
    );
  });

  it("escapes quotes, controls and invisible characters, and keeps the line one line", () => {
    expect(line("s", 'a"b\\c\nd\u2028e\u202e')).toBe('{"s":"a\\"b\\\\c\\nd\\u2028e\\u202e"}\n');
  });

  it("prints objects, arrays and dates as JSON", () => {
    expect(line("user", { id: 7, tags: ["a"] }, "at", new Date(0))).toBe(
      '{"user":{"id":7,"tags":["a"]},"at":"1970-01-01T00:00:00.000Z"}\n',
    );
  });

  it("prints BigInts as numbers and cycles as [Circular] instead of throwing", () => {
    const node: Record<string, unknown> = { n: 2n };
    node.self = node;
    expect(line("big", 12345678901234567890n, "node", node)).toBe(
      '{"big":12345678901234567890,"node":{"n":2,"self":"[Circular]"}}\n',
    );
  });

  it("stringifies keys that are not strings", () => {
    expect(line(1, "one", null, "nil", new Error("e"), "err")).toBe('{"1":"one","null":"nil","e":"err"}\n');
  });

  it("writes {} for an empty record", () => {
    expect(line()).toBe("{}\n");
  });

  it("writes lines that parse back to the values logged", () => {
    const record = { msg: 'tricky "quotes" and \u0000 nul', n: 3, list: [1, { a: null }] };
    expect(JSON.parse(line(...Object.entries(record).flat()))).toEqual(record);
  });
});
