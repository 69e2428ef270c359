import { describe, expect, it } from "vitest";
import { capture } from "../test/support/capture.ts";
import { caller, defaultCaller } from "./caller.ts";
import { jsonLogger } from "./json.ts";
import { info } from "./level.ts";
import type { Logger } from "./logger.ts";
import { logfmtLogger } from "./logfmt.ts";
import { with as withKeyvals, withPrefix, withSuffix } from "./with.ts";

/** The line of the code that calls this function (the log call is on the next line). */
function here(): number {
  const stack = new Error("here").stack ?? "";
  return Number(/caller\.test\.ts:(\d+):\d+/.exec(stack.split("\n")[2] ?? "")?.[1]);
}

describe("defaultCaller", () => {
  it("logs the file and line of the code that called log", () => {
    const out = capture();
    const logger = withKeyvals(logfmtLogger(out), "caller", defaultCaller);
    const line = here() + 1;
    logger.log("msg", "hi");
    expect(out.chunks).toEqual([`caller=caller.test.ts:${line} msg=hi\n`]);
  });

  it("names the right line through withPrefix, withSuffix and a level helper", () => {
    const out = capture();
    const logger = withSuffix(withPrefix(jsonLogger(out), "caller", defaultCaller), "at", defaultCaller);
    const line = here() + 1;
    info(logger).log("msg", "hi");
    expect(JSON.parse(out.chunks[0]!)).toEqual({
      level: "info",
      caller: `caller.test.ts:${line}`,
      msg: "hi",
      at: `caller.test.ts:${line}`,
    });
  });
});

describe("caller", () => {
  it("with one more frame, names the caller of a helper that logs", () => {
    const out = capture();
    const logger = withKeyvals(logfmtLogger(out), "caller", caller(4));
    const audit = (l: Logger): void => {
      l.log("msg", "audited");
    };
    const line = here() + 1;
    audit(logger);
    expect(out.chunks).toEqual([`caller=caller.test.ts:${line} msg=audited\n`]);
  });

  it("logs (unknown) when the stack is not that deep", () => {
    const out = capture();
    withKeyvals(logfmtLogger(out), "caller", caller(500)).log();
    expect(out.chunks).toEqual(["caller=(unknown)\n"]);
  });
});
