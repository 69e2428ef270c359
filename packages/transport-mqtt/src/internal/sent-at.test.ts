import { describe, expect, it } from "vitest";
import { sentAtHeader, spendTimeInBroker, stampSendTime } from "./sent-at.ts";

describe("kit-sent-at", () => {
  it("is stamped only on a message with a kit-timeout", () => {
    const timed = new Map([["kit-timeout", "300"]]);
    stampSendTime(timed);
    expect(Number(timed.get(sentAtHeader))).toBeGreaterThan(Date.now() - 1_000);
    const untimed = new Map<string, string>();
    stampSendTime(untimed);
    expect(untimed.has(sentAtHeader)).toBe(false);
  });

  it("takes the time since it off kit-timeout, down to 0", () => {
    const cases: [Record<string, string>, number, string | undefined][] = [
      [{ "kit-timeout": "300", "kit-sent-at": "1000" }, 1_100, "200"],
      [{ "kit-timeout": "300", "kit-sent-at": "1000" }, 1_800, "0"],
      [{ "kit-timeout": "300" }, 1_800, "300"], // no send time: counts from arrival
      [{ "kit-timeout": "300", "kit-sent-at": "2000" }, 1_800, "300"], // a publisher's clock ahead
      [{ "kit-timeout": "300", "kit-sent-at": "soon" }, 1_800, "300"],
      [{ "kit-timeout": "-5", "kit-sent-at": "1000" }, 1_800, "-5"], // malformed: the runtime refuses it
      [{ "kit-sent-at": "1000" }, 1_800, undefined],
    ];
    for (const [given, now, left] of cases) {
      const headers = new Map(Object.entries(given));
      spendTimeInBroker(headers, now);
      expect({ given, left: headers.get("kit-timeout") }).toEqual({ given, left });
    }
  });
});
