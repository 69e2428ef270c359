// The README's example, with a capturing writer in place of process.stdout.
import { afterEach, describe, expect, it, vi } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import * as log from "../src/index.ts";
import * as level from "../src/level.ts";
import { capture } from "./support/capture.ts";

describe("README example", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes the lines the README shows", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 24, 7, 35, 0, 123) });
    const stdout = capture();
    const line = Number(/readme\.test\.ts:(\d+)/.exec(new Error("here").stack ?? "")?.[1]);

    let logger = log.logfmtLogger(stdout);
    logger = level.filter(logger, { allow: "info" });
    logger = log.with(logger, "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);

    level.info(logger).log("msg", "listening", "addr", ":8080");
    level.debug(logger).log("msg", "dropped, and its valuers are never called");
    level.error(logger).log("msg", "payment failed", "err", new Error("card declined"));

    expect(stdout.chunks).toEqual([
      `level=info ts=2026-11-24T07:35:00.123Z caller=readme.test.ts:${String(line + 6)} msg=listening addr=:8080\n`,
      `level=error ts=2026-11-24T07:35:00.123Z caller=readme.test.ts:${String(line + 8)} msg="payment failed" err="card declined"\n`,
    ]);
  });
});
