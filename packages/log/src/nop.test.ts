import { describe, expect, it, vi } from "vitest";
import { debug } from "./level.ts";
import { nop } from "./nop.ts";
import { valuer } from "./valuer.ts";
import { with as withKeyvals, withPrefix, withSuffix } from "./with.ts";

describe("nop", () => {
  it("returns the same logger from with, withPrefix, withSuffix and the level helpers", () => {
    const logger = nop();
    expect(withKeyvals(logger, "a", 1)).toBe(logger);
    expect(withPrefix(logger, "a", 1)).toBe(logger);
    expect(withSuffix(logger, "a", 1)).toBe(logger);
    expect(debug(logger)).toBe(logger);
  });

  it("never calls the valuers bound to it", () => {
    const clock = vi.fn(() => 1);
    const logger = withKeyvals(nop(), "t", valuer(clock));
    logger.log("msg", "ignored");
    expect(clock).not.toHaveBeenCalled();
  });
});
