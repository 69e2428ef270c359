import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import { logfmtLogger } from "./logfmt.ts";
import { valuer } from "./valuer.ts";
import { with as withKeyvals } from "./with.ts";

describe("valuer", () => {
  it("returns a function that gives what the wrapped function gives", () => {
    expect(valuer(() => 42)()).toBe(42);
  });

  it("marks only the function it returns: the function it wraps stays a plain value", () => {
    const out = capture();
    const plain = (): string => "plain";
    valuer(plain);
    withKeyvals(logfmtLogger(out), "v", plain).log();
    expect(out.chunks).toEqual(['v="[Function: plain]"\n']);
  });

  it("is computed for the record that is logged, not when bound", () => {
    const out = capture();
    let state = "before";
    const logger = withKeyvals(logfmtLogger(out), "state", valuer(() => state));
    state = "after";
    logger.log();
    expect(out.chunks).toEqual(["state=after\n"]);
  });
});
