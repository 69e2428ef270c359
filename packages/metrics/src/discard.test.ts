import { describe, expect, it } from "vitest";
import { discard } from "./discard.ts";

describe("discard", () => {
  it("accepts every recording and still checks labels", async () => {
    const metrics = discard();
    const requests = metrics.counter({ name: "requests_total", help: "R.", labels: ["code"] });
    expect(() => {
      requests.with({ code: "ok" }).add(1);
      metrics.gauge({ name: "g", help: "G." }).set(3);
      metrics.histogram({ name: "h", help: "H." }).observe(1);
    }).not.toThrow();
    expect(() => (requests as unknown as { with(l: unknown): unknown }).with({ cod: "ok" })).toThrow(/unknown "cod"/);
    await expect(metrics.stop()).resolves.toBeUndefined();
  });
});
