import { background, Code, isKitError, KitError, withTimeout, type Context, type Endpoint } from "@kit/endpoint";
import { httpStatusFromCode } from "@kit/transport";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { client } from "../src/client.ts";
import { decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest } from "../src/codec.ts";
import { server } from "../src/server.ts";
import { aborted, closeAll, deferred, listen } from "./support/listen.ts";

afterEach(closeAll);

describe("server and client together", () => {
  it("carry every error code from the service to the caller unchanged, with the table's status", async () => {
    const fail: Endpoint<{ code: Code }, never> = (_ctx, { code }) => Promise.reject(new KitError(code, `failed with ${code}`, { details: { code } }));
    const { url } = await listen(server(fail, decodeJSON(z.object({ code: z.enum(Object.values(Code)) })), encodeJSON));
    const statuses: number[] = [];
    const call = client("POST", url, encodeJSONRequest, decodeJSONResponse(), {
      after: [
        (ctx, response) => {
          statuses.push(response.status);
          return ctx;
        },
      ],
    });
    const codes = Object.values(Code);
    expect(codes).toHaveLength(16);
    for (const code of codes) {
      const err: unknown = await call(background(), { code }).catch((e: unknown) => e);
      expect(isKitError(err)).toBe(true);
      expect([(err as KitError).code, (err as KitError).message, (err as KitError).details]).toEqual([code, `failed with ${code}`, { code }]);
    }
    expect(statuses).toEqual(codes.map((code) => httpStatusFromCode(code)));
  });

  it("carry the caller's deadline across two hops, and cut the whole chain off when it passes", async () => {
    const innermost = deferred<{ deadline: number | undefined; reason: unknown }>();
    const slow: Endpoint<unknown, unknown> = async (ctx: Context) => {
      const deadline = ctx.deadline;
      const reason = await aborted(ctx.signal);
      innermost.resolve({ deadline, reason });
      throw reason;
    };
    const b = await listen(server(slow, decodeJSON(), encodeJSON));
    const callB = client("POST", b.url, encodeJSONRequest, decodeJSONResponse());
    const a = await listen(server((ctx: Context, req: unknown) => callB(ctx, req), decodeJSON(), encodeJSON));
    const callA = client("POST", a.url, encodeJSONRequest, decodeJSONResponse());

    const [ctx, cancel] = withTimeout(background(), 300);
    const start = Date.now();
    const err: unknown = await callA(ctx, {}).catch((e: unknown) => e);
    cancel();
    expect(isKitError(err) && err.code).toBe("deadline_exceeded");
    expect(Date.now() - start).toBeLessThan(1_000);
    const seen = await innermost.promise;
    // kit-timeout is relative, like grpc-timeout: the time on the wire is not subtracted, so
    // the innermost deadline is the edge's give or take a few milliseconds per hop.
    expect(Math.abs(seen.deadline! - ctx.deadline!)).toBeLessThan(250); // within the 300 ms budget, under any load
    expect(isKitError(seen.reason) && ["deadline_exceeded", "canceled"]).toContain((seen.reason as KitError).code);
  });
});
