import { describe, expect, it } from "vitest";
import { RecordHeaders } from "./record-headers.ts";

describe("RecordHeaders", () => {
  it("reads Buffers and strings as UTF-8 text, a repeated header's last value, and nothing for an absent one", () => {
    const headers = new RecordHeaders({ "kit-timeout": Buffer.from("1500"), note: Buffer.from("crème brûlée"), long: Buffer.from("x".repeat(40)), multi: ["a", Buffer.from("b")], text: "plain" });
    expect(headers.get("kit-timeout")).toBe("1500");
    expect(headers.get("note")).toBe("crème brûlée");
    expect(headers.get("long")).toBe("x".repeat(40));
    expect(headers.get("multi")).toBe("b");
    expect(headers.get("text")).toBe("plain");
    expect(headers.get("absent")).toBeUndefined();
    expect(headers.get("constructor")).toBeUndefined(); // not a header, though every object has one
    expect(new RecordHeaders(undefined).get("kit-timeout")).toBeUndefined();
  });

  it("finds a header sent with capitals under its lower-case name", () => {
    const headers = new RecordHeaders({ "Kit-Reply-Topic": Buffer.from("replies"), traceparent: "00-ab-cd-01" });
    expect(headers.get("kit-reply-topic")).toBe("replies");
    expect(headers.get("traceparent")).toBe("00-ab-cd-01");
    expect(new RecordHeaders({ "x-Ünit": "kg" }).get("x-ünit")).toBe("kg");
  });

  it("keeps a header set on it, and gives every header as a map", () => {
    const headers = new RecordHeaders({ "Kit-Timeout": Buffer.from("10") });
    headers.set("traceparent", "00-ef-01-01");
    expect(headers.get("traceparent")).toBe("00-ef-01-01");
    expect([...headers.toMap()]).toEqual([
      ["kit-timeout", "10"],
      ["traceparent", "00-ef-01-01"],
    ]);
  });

  it("replaces one header without decoding the rest, and keeps the new value in the map", () => {
    const headers = new RecordHeaders({ "kit-timeout": Buffer.from("1500"), note: "kept" });
    headers.replace("kit-timeout", "300");
    expect(headers.get("kit-timeout")).toBe("300");
    expect(headers.get("note")).toBe("kept");
    expect(Object.fromEntries(headers.toMap())).toEqual({ "kit-timeout": "300", note: "kept" });
    headers.replace("kit-timeout", "0");
    expect(headers.get("kit-timeout")).toBe("0");
  });
});
