import { describe, expect, it } from "vitest";
import { background } from "./context.ts";
import type { Endpoint } from "./endpoint.ts";
import { chain, type Middleware } from "./middleware.ts";

describe("chain", () => {
  it("runs the outer middleware first and the endpoint last, as Go kit's Chain does", async () => {
    const trace: string[] = [];
    const mw = (name: string): Middleware<number, number> => (next) => async (ctx, req) => {
      trace.push(`${name} in`);
      const res = await next(ctx, req + 1);
      trace.push(`${name} out`);
      return res;
    };
    const endpoint: Endpoint<number, number> = (_ctx, req) => {
      trace.push(`endpoint ${req}`);
      return Promise.resolve(req * 10);
    };
    const wrapped = chain(mw("first"), mw("second"), mw("third"))(endpoint);
    expect(await wrapped(background(), 0)).toBe(30);
    expect(trace).toEqual(["first in", "second in", "third in", "endpoint 3", "third out", "second out", "first out"]);
  });

  it("with one middleware is that middleware", async () => {
    const double: Middleware<number, number> = (next) => async (ctx, req) => 2 * (await next(ctx, req));
    expect(await chain(double)((_c, r) => Promise.resolve(r))(background(), 21)).toBe(42);
  });
});
