import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import type { Logger } from "./logger.ts";
import { logfmtLogger } from "./logfmt.ts";
import { valuer } from "./valuer.ts";
import { with as withKeyvals, withPrefix, withSuffix } from "./with.ts";

function counter(): () => number {
  let n = 0;
  return () => ++n;
}

describe("with", () => {
  it("adds its keyvals before the record's", () => {
    const out = capture();
    withKeyvals(logfmtLogger(out), "svc", "api").log("msg", "hi");
    expect(out.chunks).toEqual(["svc=api msg=hi\n"]);
  });

  it("appends to the context of a contextual logger and leaves that logger unchanged", () => {
    const out = capture();
    const parent = withKeyvals(logfmtLogger(out), "a", 1);
    const child = withKeyvals(parent, "b", 2);
    child.log("msg", "child");
    parent.log("msg", "parent");
    expect(out.chunks).toEqual(["a=1 b=2 msg=child\n", "a=1 msg=parent\n"]);
  });

  it("calls a valuer at every log call", () => {
    const out = capture();
    const logger = withKeyvals(logfmtLogger(out), "n", valuer(counter()));
    logger.log("msg", "first");
    logger.log("msg", "second");
    expect(out.chunks).toEqual(["n=1 msg=first\n", "n=2 msg=second\n"]);
  });

  it("does not call a valuer passed straight to log, as Go kit", () => {
    const out = capture();
    const next = valuer(counter());
    logfmtLogger(out).log("n", next);
    expect(out.chunks[0]).toMatch(/^n="\[Function/);
  });

  it("logs (ERROR: …) for a valuer that throws, and still writes the record", () => {
    const out = capture();
    const broken = valuer(() => {
      throw new Error("no clock");
    });
    withKeyvals(logfmtLogger(out), "ts", broken).log("msg", "hi");
    expect(out.chunks).toEqual(['ts="(ERROR: no clock)" msg=hi\n']);
  });

  it("gives an odd context's last key the value (MISSING)", () => {
    const out = capture();
    withKeyvals(logfmtLogger(out), "a", 1, "orphan").log("msg", "hi");
    expect(out.chunks).toEqual(["a=1 orphan=(MISSING) msg=hi\n"]);
  });

  it("pads an odd record with (MISSING) before it reaches a custom logger, as Go kit's ErrMissingValue, so it gets pairs", () => {
    const seen: unknown[][] = [];
    const custom: Logger = { log: (...keyvals: unknown[]) => seen.push(keyvals) };
    withKeyvals(custom, "svc", "api").log("msg", "hi", "orphan");
    withPrefix(custom, "a", 1).log("orphan");
    withSuffix(custom, "z", 9).log("orphan");
    withKeyvals(custom, "odd").log("msg", "hi");
    expect(seen).toEqual([
      ["svc", "api", "msg", "hi", "orphan", "(MISSING)"],
      ["a", 1, "orphan", "(MISSING)"],
      ["orphan", "(MISSING)", "z", 9],
      ["odd", "(MISSING)", "msg", "hi"],
    ]);
  });

  it("returns the logger itself when given no keyvals", () => {
    const logger = logfmtLogger(capture());
    expect(withKeyvals(logger)).toBe(logger);
  });

  it("works over any object with a log method, padding an odd record before the suffix", () => {
    const received: unknown[][] = [];
    const custom: Logger = {
      log: (...keyvals) => {
        received.push(keyvals);
      },
    };
    const logger = withSuffix(withKeyvals(custom, "a", valuer(() => 1)), "z", 26);
    logger.log("msg", "hi", "orphan");
    logger.log("msg", "even");
    expect(received).toEqual([
      ["a", 1, "msg", "hi", "orphan", "(MISSING)", "z", 26],
      ["a", 1, "msg", "even", "z", 26],
    ]);
  });

  it("does not throw when the logger under it throws", () => {
    const logger = withKeyvals(
      {
        log() {
          throw new Error("broken");
        },
      },
      "a",
      1,
    );
    expect(() => {
      logger.log("msg", "hi");
    }).not.toThrow();
  });
});

describe("withPrefix", () => {
  it("adds its keyvals before the context the logger already has", () => {
    const out = capture();
    const logger = withPrefix(withKeyvals(logfmtLogger(out), "svc", "api"), "ts", "T");
    logger.log("msg", "hi");
    expect(out.chunks).toEqual(["ts=T svc=api msg=hi\n"]);
  });

  it("calls its valuers at every log call", () => {
    const out = capture();
    const logger = withPrefix(logfmtLogger(out), "n", valuer(counter()));
    logger.log();
    logger.log();
    expect(out.chunks).toEqual(["n=1\n", "n=2\n"]);
  });
});

describe("withSuffix", () => {
  it("adds its keyvals after the record, later suffixes last", () => {
    const out = capture();
    const logger = withSuffix(withSuffix(withKeyvals(logfmtLogger(out), "a", 1), "y", 25), "z", 26);
    logger.log("msg", "hi");
    expect(out.chunks).toEqual(["a=1 msg=hi y=25 z=26\n"]);
  });

  it("keeps its pairs aligned after an odd record", () => {
    const out = capture();
    withSuffix(logfmtLogger(out), "z", 26).log("msg", "hi", "orphan");
    expect(out.chunks).toEqual(["msg=hi orphan=(MISSING) z=26\n"]);
  });

  it("calls its valuers at every log call", () => {
    const out = capture();
    const logger = withSuffix(logfmtLogger(out), "n", valuer(counter()));
    logger.log("msg", "a");
    logger.log("msg", "b");
    expect(out.chunks).toEqual(["msg=a n=1\n", "msg=b n=2\n"]);
  });
});
