// The enum helpers of the protobuf subpath: a string-literal enum is numbered from 1 in the
// order of its values, 0 is protobuf's unspecified value, and a number the enum does not have
// comes back as that number (for the validator to refuse by name).
import { describe, expect, it } from "vitest";
import { enumNumber, enumValue } from "../src/protobuf.ts";

const colors = ["red", "green", "blue"] as const;

describe("enumValue and enumNumber", () => {
  it("number the values from 1 and map them both ways", () => {
    expect(colors.map((c) => enumNumber(colors, c))).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((n) => enumValue(colors, n))).toEqual(["red", "green", "blue"]);
  });

  it("write anything that is not a value as 0, and read back a number they do not have as the number", () => {
    expect(enumNumber(colors, "purple")).toBe(0);
    expect(enumNumber(colors, undefined)).toBe(0);
    expect(enumValue(colors, 0)).toBe(0);
    expect(enumValue(colors, 4)).toBe(4);
  });
});
