import { describe, expect, it } from "vitest";
import { goDuration } from "./go-duration.ts";

describe("goDuration", () => {
  it("writes durations as Go's time.Duration.String does", () => {
    const cases: [bigint, string][] = [
      [0n, "0s"],
      [1n, "1ns"],
      [999n, "999ns"],
      [1_000n, "1µs"],
      [1_500n, "1.5µs"],
      [1_100_000n, "1.1ms"],
      [12_345_678n, "12.345678ms"],
      [1_000_000_000n, "1s"],
      [1_500_000_000n, "1.5s"],
      [60_000_000_000n, "1m0s"],
      [123_500_000_000n, "2m3.5s"],
      [3_600_000_000_000n, "1h0m0s"],
      [3_723_000_000_001n, "1h2m3.000000001s"],
      [-1_500n, "-1.5µs"],
    ];
    expect(cases.map(([ns]) => goDuration(ns))).toEqual(cases.map(([, text]) => text));
  });
});
