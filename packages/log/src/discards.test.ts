import { describe, expect, it } from "vitest";
import { discards } from "./discards.ts";
import { filter, debug, info } from "./level.ts";
import { logfmtLogger } from "./logfmt.ts";
import { nop } from "./nop.ts";
import { with as withKeyvals } from "./with.ts";

describe("discards", () => {
  const lines: string[] = [];
  const out = logfmtLogger({ write: (line: string) => lines.push(line) });

  it("is true for nop() and what is built on it", () => {
    expect(discards(nop())).toBe(true);
    expect(discards(withKeyvals(nop(), "a", 1))).toBe(true);
  });

  it("is true for a level a filter denies, and false for one it allows, as the records show", () => {
    const filtered = filter(out, { allow: "info" });
    expect(discards(debug(filtered))).toBe(true);
    expect(discards(debug(withKeyvals(filtered, "svc", "add")))).toBe(true);
    expect(discards(info(filtered))).toBe(false);
    lines.length = 0;
    debug(filtered).log("msg", "dropped");
    info(filtered).log("msg", "kept");
    expect(lines).toEqual(["level=info msg=kept\n"]);
  });

  it("is false for a writing logger, a filter without a fixed level, and a logger from outside the package", () => {
    expect(discards(out)).toBe(false);
    expect(discards(withKeyvals(out, "a", 1))).toBe(false);
    expect(discards(filter(out, { allow: "none" }))).toBe(false); // it decides per record
    expect(discards({ log: () => undefined })).toBe(false);
  });
});
