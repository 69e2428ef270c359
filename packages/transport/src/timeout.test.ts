import { background, isKitError, withDeadline, withTimeout } from "@kit/endpoint";
import { describe, expect, it, vi } from "vitest";
import { readTimeout, timeoutHeader, writeTimeout } from "./timeout.ts";

function headers(value?: string): Headers {
  const h = new Headers();
  if (value !== undefined) h.set(timeoutHeader, value);
  return h;
}

describe("writeTimeout", () => {
  it("writes the time left before the deadline as whole milliseconds, rounded down", () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const [ctx, cancel] = withDeadline(background(), 1_000_000 + 2_000.9);
      vi.advanceTimersByTime(500);
      const h = headers();
      writeTimeout(ctx, h);
      expect(h.get("kit-timeout")).toBe("1500");
      cancel();
    } finally {
      vi.useRealTimers();
    }
  });

  it("writes nothing without a deadline", () => {
    const h = headers();
    writeTimeout(background(), h);
    expect(h.has("kit-timeout")).toBe(false);
  });

  it("writes 0 for a passed deadline and caps far deadlines at 8 digits", () => {
    const [past] = withDeadline(background(), Date.now() - 5);
    const h = headers();
    writeTimeout(past, h);
    expect(h.get("kit-timeout")).toBe("0");
    const [far, cancel] = withTimeout(background(), 1e12);
    writeTimeout(far, h);
    expect(h.get("kit-timeout")).toBe("99999999");
    cancel();
  });
});

describe("readTimeout", () => {
  it("reads milliseconds, and undefined when the header is absent or empty", () => {
    expect(readTimeout(headers("1500"))).toBe(1500);
    expect(readTimeout(headers("0"))).toBe(0);
    expect(readTimeout(headers())).toBeUndefined();
    expect(readTimeout({ get: () => "", set: () => undefined })).toBeUndefined();
  });

  it("refuses a malformed value with invalid_argument", () => {
    for (const value of ["1.5", "-1", "1s", "123456789", "abc", "10, 20"]) {
      let err: unknown;
      try {
        readTimeout(headers(value));
      } catch (e) {
        err = e;
      }
      expect(isKitError(err) && err.code).toBe("invalid_argument");
      expect((err as Error).message).toContain(`malformed kit-timeout header "${value}"`);
    }
  });

  it("reads back what writeTimeout wrote", () => {
    const [ctx, cancel] = withTimeout(background(), 750);
    const h = headers();
    writeTimeout(ctx, h);
    expect(readTimeout(h)).toBeLessThanOrEqual(750);
    expect(readTimeout(h)).toBeGreaterThan(0);
    cancel();
  });
});
