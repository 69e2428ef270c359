// The README's example, line for line, with its results asserted.
import { background } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { instrument, memory } from "../src/index.ts";

describe("README example", () => {
  it("counts a job and an instrumented request", async () => {
    const metrics = memory(); // in production: the provider of a backend package
    const jobs = metrics.counter({ name: "jobs_total", help: "Jobs done.", labels: ["queue", "result"] });
    const mailOk = jobs.with({ queue: "mail", result: "ok" }); // bind once: no allocation per add
    mailOk.add(1);
    // jobs.with({ queue: "mail" }) does not compile: "result" is missing

    const sum = instrument(metrics, { endpointName: "sum", namespace: "addsvc" })(
      (_ctx, req: { a: number; b: number }) => Promise.resolve(req.a + req.b),
    );
    await sum(background(), { a: 1, b: 2 });

    expect(metrics.value("jobs_total", { queue: "mail", result: "ok" })).toBe(1);
    expect(metrics.value("addsvc_requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("addsvc_requests_in_flight", { endpoint: "sum" })).toBe(0);
  });
});
