import { afterEach, describe, expect, it, vi } from "vitest";
import { capture } from "../test/support/capture.ts";
import { logfmtLogger } from "./logfmt.ts";
import { defaultTimestampUTC, timestampUTC } from "./timestamp.ts";
import { with as withKeyvals } from "./with.ts";

describe("timestampUTC", () => {
  it("logs the clock's time in ISO-8601 UTC, read at each call", () => {
    const out = capture();
    let now = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    const logger = withKeyvals(logfmtLogger(out), "ts", timestampUTC(() => now));
    logger.log("msg", "a");
    now += 1000;
    logger.log("msg", "b");
    expect(out.chunks).toEqual(["ts=2026-01-02T03:04:05.006Z msg=a\n", "ts=2026-01-02T03:04:06.006Z msg=b\n"]);
  });

  it("accepts a clock that returns a Date", () => {
    const out = capture();
    withKeyvals(logfmtLogger(out), "ts", timestampUTC(() => new Date(0))).log();
    expect(out.chunks).toEqual(["ts=1970-01-01T00:00:00.000Z\n"]);
  });
});

describe("defaultTimestampUTC", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("logs the current time in ISO-8601 UTC", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 24, 7, 35, 0, 123) });
    const out = capture();
    const logger = withKeyvals(logfmtLogger(out), "ts", defaultTimestampUTC);
    logger.log();
    vi.setSystemTime(Date.UTC(2026, 10, 24, 7, 35, 1, 0));
    logger.log();
    expect(out.chunks).toEqual(["ts=2026-11-24T07:35:00.123Z\n", "ts=2026-11-24T07:35:01.000Z\n"]);
  });
});
