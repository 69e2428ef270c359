import { describe, expect, it } from "vitest";
import { escapeKey, escapeMeasurement, lineHead } from "./escape.ts";

describe("line protocol escaping", () => {
  it("escapes commas and spaces in a measurement, and leaves equals signs", () => {
    expect(escapeMeasurement("cpu load,total=x")).toBe("cpu\\ load\\,total=x");
  });

  it("escapes commas, equals signs and spaces in keys and tag values", () => {
    expect(escapeKey("a b,c=d")).toBe("a\\ b\\,c\\=d");
    expect(escapeKey('say "hi"')).toBe('say\\ "hi"'); // quotes need nothing outside string fields
  });

  it("turns line breaks into spaces and a trailing backslash into _", () => {
    expect(escapeKey("one\ntwo\r\nthree")).toBe("one\\ two\\ three");
    expect(escapeKey("C:\\")).toBe("C:_");
    expect(escapeKey("a\\b")).toBe("a\\b");
    expect(escapeKey("x,")).toBe("x\\,"); // an escape it added stays
  });

  it("sorts tags by key, lets labels override global tags and leaves out empty values", () => {
    expect(lineHead("requests", { region: "eu", zone: "a" }, ["method", "zone", "code"], ["sum", "b", ""])).toBe(
      "requests,method=sum,region=eu,zone=b",
    );
    expect(lineHead("up", {}, [], [])).toBe("up");
  });
});
