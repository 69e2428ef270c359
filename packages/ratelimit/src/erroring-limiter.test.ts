import { background, Code, type Endpoint, KitError } from "@kit/endpoint";
import { describe, expect, it, vi } from "vitest";
import { erroringLimiter } from "./erroring-limiter.ts";
import { tokenBucket } from "./token-bucket.ts";

const echo = (): Endpoint<number, number> => vi.fn((_ctx, req: number) => Promise.resolve(req));

describe("erroringLimiter", () => {
  it("passes requests while the limiter allows them, then fails with resource_exhausted without calling the endpoint", async () => {
    const endpoint = echo();
    const limited = erroringLimiter<number, number>(tokenBucket({ rate: 0.001, burst: 3 }))(endpoint);
    for (let i = 0; i < 3; i++) expect(await limited(background(), i)).toBe(i);
    const refused = limited(background(), 99);
    await expect(refused).rejects.toBeInstanceOf(KitError);
    await expect(refused).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(endpoint).toHaveBeenCalledTimes(3);
  });

  it("accepts an asynchronous allower", async () => {
    const endpoint = echo();
    const answers = [true, false];
    const limited = erroringLimiter<number, number>({ allow: () => Promise.resolve(answers.shift() ?? false) })(endpoint);
    expect(await limited(background(), 1)).toBe(1);
    await expect(limited(background(), 2)).rejects.toMatchObject({ code: Code.ResourceExhausted });
    expect(endpoint).toHaveBeenCalledTimes(1);
  });

  it("fails closed with unavailable when the allower throws something that is not a KitError", async () => {
    const endpoint = echo();
    const cause = new Error("connection refused");
    const limited = erroringLimiter<number, number>({ allow: () => Promise.reject(cause) })(endpoint);
    await expect(limited(background(), 1)).rejects.toMatchObject({ code: Code.Unavailable, cause });
    expect(endpoint).not.toHaveBeenCalled();
  });

  it("passes on a KitError the allower throws", async () => {
    const thrown = new KitError(Code.Unavailable, "redis down");
    const limited = erroringLimiter<number, number>({
      allow: () => {
        throw thrown;
      },
    })(echo());
    await expect(limited(background(), 1)).rejects.toBe(thrown);
  });

  it("passes on the endpoint's own errors", async () => {
    const failing: Endpoint<number, number> = () => Promise.reject(new KitError(Code.NotFound, "nope"));
    const limited = erroringLimiter<number, number>({ allow: () => true })(failing);
    await expect(limited(background(), 1)).rejects.toMatchObject({ code: Code.NotFound });
  });
});
