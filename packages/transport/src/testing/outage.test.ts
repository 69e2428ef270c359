import { Code, KitError } from "@kit/endpoint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeAway, publishWhileAway, restartDowntime } from "./outage.ts";

/** What `run` throws (`undefined` if it returns). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("restartDowntime", () => {
  it("takes KIT_RESTART_DOWNTIME_MS when it is set, else the fallback", () => {
    vi.stubEnv("KIT_RESTART_DOWNTIME_MS", "");
    expect(restartDowntime()).toBe(0);
    expect(restartDowntime(3_000)).toBe(3_000);
    vi.stubEnv("KIT_RESTART_DOWNTIME_MS", "120000");
    expect(restartDowntime(3_000)).toBe(120_000);
  });

  it("refuses a downtime that is not a number of milliseconds of 0 or more, naming where it came from", () => {
    vi.stubEnv("KIT_RESTART_DOWNTIME_MS", "two minutes");
    expect(thrownBy(() => restartDowntime())).toMatchObject({ code: Code.InvalidArgument, message: "KIT_RESTART_DOWNTIME_MS must be a number of milliseconds of 0 or more, got NaN" });
    vi.stubEnv("KIT_RESTART_DOWNTIME_MS", "");
    expect(thrownBy(() => restartDowntime(-1))).toMatchObject({ code: Code.InvalidArgument, message: "fallback must be a number of milliseconds of 0 or more, got -1" });
  });
});

describe("publishWhileAway", () => {
  const unavailable = (): Promise<KitError> => Promise.resolve(new KitError(Code.Unavailable, "the broker is away"));

  it("publishes 3 times without a downtime, recording each code", async () => {
    let calls = 0;
    const made = await publishWhileAway(Date.now(), 0, () => (++calls === 2 ? Promise.resolve(undefined) : unavailable()));
    expect(made.map((p) => p.code)).toEqual([Code.Unavailable, undefined, Code.Unavailable]);
    expect(calls).toBe(3);
  });

  it("goes on publishing, 100 ms apart, until the downtime has passed, and no more than 3 + downtime / 100 times", async () => {
    const since = Date.now();
    const made = await publishWhileAway(since, 450, unavailable);
    expect(Date.now() - since).toBeGreaterThanOrEqual(450);
    expect(made.length).toBeGreaterThanOrEqual(4); // at most one every 100 ms over 450 ms, slower on a loaded machine
    expect(made.length).toBeLessThanOrEqual(7);
  });

  it("refuses a negative downtime with invalid_argument", async () => {
    await expect(publishWhileAway(Date.now(), -5, unavailable)).rejects.toMatchObject({ code: Code.InvalidArgument, message: "downtime must be a number of milliseconds of 0 or more, got -5" });
  });
});

describe("describeAway", () => {
  it("says how many publishes failed, with which codes, the slowest and the median", () => {
    const made = [
      { code: Code.Unavailable, ms: 40 },
      { code: Code.Unavailable, ms: 52 },
      { code: Code.Unavailable, ms: 41 },
    ];
    expect(describeAway(made, 0)).toBe("3 publishes while away (0 ms downtime) failed with unavailable in at most 52 ms (median 41 ms)");
  });
});
