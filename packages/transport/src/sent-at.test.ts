import { describe, expect, it } from "vitest";
import { sentAtHeader, spendTimeInQueue, stampSentAt } from "./sent-at.ts";

const at = 1_700_000_000_000;

function headers(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

describe("stampSentAt", () => {
  it("stamps the send time in epoch milliseconds on a message with a kit-timeout, and only there", () => {
    const timed = headers({ "kit-timeout": "300" });
    stampSentAt(timed, at + 0.7);
    expect(timed.get(sentAtHeader)).toBe(String(at));
    const untimed = headers({});
    stampSentAt(untimed, at);
    expect(untimed.has(sentAtHeader)).toBe(false);
  });
});

describe("spendTimeInQueue", () => {
  it("takes the time since kit-sent-at off kit-timeout", () => {
    const h = headers({ "kit-timeout": "300", [sentAtHeader]: String(at) });
    spendTimeInQueue(h, at + 120);
    expect(h.get("kit-timeout")).toBe("180");
  });

  it("leaves 0 for a message that waited out its deadline in the queue", () => {
    const h = headers({ "kit-timeout": "300", [sentAtHeader]: String(at) });
    spendTimeInQueue(h, at + 800);
    expect(h.get("kit-timeout")).toBe("0");
  });

  it("counts a publisher clock ahead of ours (a negative wait) as no wait", () => {
    const h = headers({ "kit-timeout": "300", [sentAtHeader]: String(at + 5_000) });
    spendTimeInQueue(h, at);
    expect(h.get("kit-timeout")).toBe("300");
  });

  it("changes nothing without both headers, or with a malformed one", () => {
    for (const entries of [
      { "kit-timeout": "300" },
      { [sentAtHeader]: String(at) },
      { "kit-timeout": "300", [sentAtHeader]: "yesterday" },
      { "kit-timeout": "300", [sentAtHeader]: "-5" },
      { "kit-timeout": "1.5", [sentAtHeader]: String(at) },
    ]) {
      const h = headers(entries);
      spendTimeInQueue(h, at + 1_000);
      expect(Object.fromEntries(h)).toEqual(entries);
    }
  });
});
