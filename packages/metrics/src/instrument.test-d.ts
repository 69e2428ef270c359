import type { Endpoint, Middleware } from "@kit/endpoint";
import { describe, expectTypeOf, it } from "vitest";
import { instrument } from "./instrument.ts";
import { memory } from "./memory.ts";

const metrics = memory();

describe("instrument", () => {
  it("returns a middleware for any endpoint, keeping its request and response types", () => {
    const sum: Endpoint<{ a: number; b: number }, number> = (_ctx, { a, b }) => Promise.resolve(a + b);
    const wrapped = instrument(metrics, { endpointName: "sum" })(sum);
    expectTypeOf(wrapped).toEqualTypeOf<Endpoint<{ a: number; b: number }, number>>();
    expectTypeOf(instrument(metrics, { endpointName: "sum" })).toExtend<Middleware<string, boolean>>();
  });

  it("accepts only metrics declared with the labels it records", () => {
    const requests = metrics.counter({ name: "r", help: "R.", labels: ["endpoint", "code"] });
    const duration = metrics.histogram({ name: "d", help: "D.", labels: ["endpoint", "code"] });
    const inFlight = metrics.gauge({ name: "i", help: "I.", labels: ["endpoint"] });
    instrument({ requests, duration, inFlight }, { endpointName: "sum" });
    const byMethod = metrics.counter({ name: "m", help: "M.", labels: ["method", "code"] });
    // @ts-expect-error -- requests must have the labels endpoint and code
    instrument({ requests: byMethod, duration, inFlight }, { endpointName: "sum" });
  });
});
