import { describe, expect, it } from "vitest";
import { fromAttributes, packedHeadersAttribute, toAttributes } from "./attributes.ts";

describe("toAttributes / fromAttributes", () => {
  it("sends headers as String attributes one by one when they fit", () => {
    const headers = new Map([
      ["content-type", "application/json"],
      ["kit-timeout", "1500"],
    ]);
    const attributes = toAttributes(headers);
    expect(attributes).toEqual({
      "content-type": { DataType: "String", StringValue: "application/json" },
      "kit-timeout": { DataType: "String", StringValue: "1500" },
    });
    expect(fromAttributes(attributes)).toEqual(headers);
  });

  it("packs them into one attribute when there are more than 10, and reads them back whole", () => {
    const headers = new Map(Array.from({ length: 12 }, (_, i) => [`h${i}`, `v${i}`] as const));
    const attributes = toAttributes(headers);
    expect(Object.keys(attributes)).toEqual([packedHeadersAttribute]);
    expect(fromAttributes(attributes)).toEqual(headers);
  });

  it("packs names SQS refuses and empty values instead of dropping them", () => {
    for (const [name, value] of [
      ["AWS.trace", "x"],
      ["has space", "x"],
      ["ok", ""],
      ["trailing.", "x"],
    ] as const) {
      const headers = new Map([[name, value]]);
      const attributes = toAttributes(headers);
      expect(Object.keys(attributes)).toEqual([packedHeadersAttribute]);
      expect(fromAttributes(attributes)).toEqual(headers);
    }
  });

  it("reads Number attributes, leaves Binary ones out, and keeps a kit-headers value that is not JSON", () => {
    expect(
      fromAttributes({
        n: { DataType: "Number", StringValue: "42" },
        b: { DataType: "Binary", BinaryValue: new Uint8Array([1]) },
        [packedHeadersAttribute]: { DataType: "String", StringValue: "not json" },
      }),
    ).toEqual(
      new Map([
        ["n", "42"],
        [packedHeadersAttribute, "not json"],
      ]),
    );
    expect(fromAttributes(undefined)).toEqual(new Map());
  });
});
