import { background, contextKey, withTimeout, withValue, type Context } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { sumEvents, type AddResults } from "./events.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { newBasicService } from "./service.ts";

describe("sumEvents", () => {
  it("publishes the result with the request's values but not its deadline, so a lagging consumer still gets it", async () => {
    const trace = contextKey<string>("trace");
    const published: { ctx: Context; event: unknown }[] = [];
    const results: AddResults = {
      sumComputed: (ctx, id, v, error) => {
        published.push({ ctx, event: { id, v, error } });
        return Promise.resolve();
      },
    };
    const [ctx, cancel] = withTimeout(withValue(background(), trace, "trace-1"), 2_000);
    await sumEvents(makeEndpoints(newBasicService()).sum, results).sumRequested(ctx, "r-1", 1, 2);
    cancel(); // the request is over; its event is not

    expect(published.map((p) => p.event)).toEqual([{ id: "r-1", v: 3, error: undefined }]);
    const eventCtx = published[0]?.ctx;
    expect(eventCtx?.deadline).toBeUndefined(); // no kit-timeout goes out with it
    expect(eventCtx?.signal.aborted).toBe(false);
    expect(eventCtx?.value(trace)).toBe("trace-1");
  });

  it("publishes a business error as a result, with its code", async () => {
    const published: unknown[] = [];
    const results: AddResults = { sumComputed: (_ctx, id, v, error) => Promise.resolve(void published.push({ id, v, error })) };
    await sumEvents(makeEndpoints(newBasicService()).sum, results).sumRequested(background(), "r-2", 0, 0);
    expect(published).toEqual([{ id: "r-2", v: undefined, error: { code: "invalid_argument", message: "can't sum two zeroes" } }]);
  });
});
