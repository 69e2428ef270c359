import { describe, expect, it } from "vitest";
import { RecentTexts } from "./recent-texts.ts";

describe("RecentTexts", () => {
  it("gives the text toString gives, for bytes seen before and new ones, text or not", () => {
    const texts = new RecentTexts(2, 64);
    const inputs = ["application/json", "application/jsoN", "application/json", "héllo €", "", "x"].map((s) => Buffer.from(s));
    inputs.push(Buffer.from([0xff, 0x61]), Buffer.from([0xff, 0x62]), Buffer.from([0xff, 0x61]));
    for (const bytes of inputs) expect(texts.text(bytes)).toBe(bytes.toString());
  });

  it("transforms the text, whether decoded or remembered", () => {
    const names = new RecentTexts(4, 64, (name) => name.toLowerCase());
    expect(["Content-Type", "content-type", "Content-Type", "X-Trace"].map((name) => names.text(Buffer.from(name)))).toEqual(["content-type", "content-type", "content-type", "x-trace"]);
  });

  it("keeps its own copy, so later writes to the bytes read change nothing", () => {
    const texts = new RecentTexts(4, 64);
    const bytes = Buffer.from("abc");
    expect(texts.text(bytes)).toBe("abc");
    bytes.write("xyz");
    expect(texts.text(Buffer.from("abc"))).toBe("abc");
    expect(texts.text(bytes)).toBe("xyz");
  });

  it("decodes longer byte strings every time", () => {
    const texts = new RecentTexts(4, 3);
    expect([texts.text(Buffer.from("abcd")), texts.text(Buffer.from("abce"))]).toEqual(["abcd", "abce"]);
  });
});
