import { describe, expect, it } from "vitest";
import { packLines } from "./pack-lines.ts";

const text = (datagrams: Buffer[]): string[] => datagrams.map((d) => d.toString("utf8"));

describe("packLines, newlines between lines (StatsD)", () => {
  it("joins lines with newlines up to the limit, exactly, with none at the end", () => {
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 9, "between"))).toEqual(["aaaa\nbbbb", "cccc"]);
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 8, "between"))).toEqual(["aaaa", "bbbb", "cccc"]);
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 14, "between"))).toEqual(["aaaa\nbbbb\ncccc"]);
  });

  it("counts bytes, not characters", () => {
    expect(text(packLines(["é", "é"], 4, "between"))).toEqual(["é", "é"]); // 2 + 1 + 2 = 5 bytes
    expect(text(packLines(["é", "é"], 5, "between"))).toEqual(["é\né"]);
  });

  it("never splits a line, and sends an oversized one alone", () => {
    expect(text(packLines(["a", "x\ny", "b"], 3, "between"))).toEqual(["a", "x\ny", "b"]);
    expect(text(packLines(["a", "toolong", "b"], 3, "between"))).toEqual(["a", "toolong", "b"]);
    expect(packLines([], 10, "between")).toEqual([]);
  });
});

describe("packLines, a newline after each line (InfluxDB line protocol)", () => {
  it("ends every line with a newline, counted in the limit", () => {
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 10, "after"))).toEqual(["aaaa\nbbbb\n", "cccc\n"]);
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 9, "after"))).toEqual(["aaaa\n", "bbbb\n", "cccc\n"]);
    expect(text(packLines(["aaaa", "bbbb", "cccc"], 15, "after"))).toEqual(["aaaa\nbbbb\ncccc\n"]);
  });

  it("counts bytes, not characters, and sends an oversized line alone", () => {
    expect(text(packLines(["é", "é"], 5, "after"))).toEqual(["é\n", "é\n"]); // 3 + 3 = 6 bytes
    expect(text(packLines(["é", "é"], 6, "after"))).toEqual(["é\né\n"]);
    expect(text(packLines(["a", "toolong", "b"], 3, "after"))).toEqual(["a\n", "toolong\n", "b\n"]);
    expect(packLines([], 10, "after")).toEqual([]);
  });
});
