import { describe, expect, it } from "vitest";
import { headersFromKafka, headersToKafka } from "./headers.ts";

describe("Kafka headers", () => {
  it("reads Buffers and strings under lower-case names, keeping a repeated header's last value", () => {
    const map = headersFromKafka({ "Kit-Timeout": Buffer.from("1500"), traceparent: "00-ab-cd-01", multi: ["a", Buffer.from("b")], gone: undefined });
    expect([...map]).toEqual([
      ["kit-timeout", "1500"],
      ["traceparent", "00-ab-cd-01"],
      ["multi", "b"],
    ]);
  });

  it("gives an empty map for a record without headers and writes a map back as strings", () => {
    expect(headersFromKafka(undefined).size).toBe(0);
    expect(headersToKafka(new Map([["kit-error-code", "not_found"]]))).toEqual({ "kit-error-code": "not_found" });
  });
});
