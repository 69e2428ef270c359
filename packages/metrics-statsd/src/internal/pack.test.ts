import { describe, expect, it } from "vitest";
import { pack } from "./pack.ts";

const text = (datagrams: Buffer[]): string[] => datagrams.map((d) => d.toString("utf8"));

describe("pack", () => {
  it("joins entries with newlines up to the limit, exactly", () => {
    expect(text(pack(["aaaa", "bbbb", "cccc"], 9))).toEqual(["aaaa\nbbbb", "cccc"]);
    expect(text(pack(["aaaa", "bbbb", "cccc"], 8))).toEqual(["aaaa", "bbbb", "cccc"]);
    expect(text(pack(["aaaa", "bbbb", "cccc"], 14))).toEqual(["aaaa\nbbbb\ncccc"]);
  });

  it("counts bytes, not characters", () => {
    expect(text(pack(["é", "é"], 4))).toEqual(["é", "é"]); // 2 + 1 + 2 = 5 bytes
    expect(text(pack(["é", "é"], 5))).toEqual(["é\né"]);
  });

  it("never splits an entry, and sends an oversized one alone", () => {
    expect(text(pack(["a", "x\ny", "b"], 3))).toEqual(["a", "x\ny", "b"]);
    expect(text(pack(["a", "toolong", "b"], 3))).toEqual(["a", "toolong", "b"]);
    expect(pack([], 10)).toEqual([]);
  });
});
