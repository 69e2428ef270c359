import { background, contextKey, withTimeout, withValue, type Context, type Endpoint } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { makeConcatEndpoint, makeSumEndpoint, type EndpointSet } from "./endpoints.ts";
import { sumRequestedHandler, type SumComputed } from "./events.ts";
import { newBasicService } from "./service.ts";

describe("sumRequestedHandler", () => {
  it("publishes the result with the request's values but not its deadline, so a lagging consumer still gets it", async () => {
    const svc = newBasicService();
    const endpoints: EndpointSet = { sumEndpoint: makeSumEndpoint(svc), concatEndpoint: makeConcatEndpoint(svc) };
    const trace = contextKey<string>("trace");
    const published: { ctx: Context; event: SumComputed }[] = [];
    const publish: Endpoint<SumComputed, unknown> = (ctx, event) => {
      published.push({ ctx, event });
      return Promise.resolve(undefined);
    };
    const [ctx, cancel] = withTimeout(withValue(background(), trace, "trace-1"), 2_000);
    await sumRequestedHandler(endpoints, publish)(ctx, { id: "r-1", a: 1, b: 2 });
    cancel(); // the request is over; its event is not

    expect(published.map((p) => p.event)).toEqual([{ id: "r-1", v: 3 }]);
    const eventCtx = published[0]?.ctx;
    expect(eventCtx?.deadline).toBeUndefined(); // no kit-timeout goes out with it
    expect(eventCtx?.signal.aborted).toBe(false);
    expect(eventCtx?.value(trace)).toBe("trace-1");
  });
});
