import { background, Code, withCancel } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { makeSumEndpoint, type SumRequest, type SumResponse } from "./endpoints.ts";
import { runningSumsEndpoint, sumEachEndpoint } from "./grpc.ts";
import { newBasicService } from "./service.ts";

const sum = makeSumEndpoint(newBasicService());

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("runningSumsEndpoint", () => {
  it("yields the running total, one Sum per value", async () => {
    expect(await collect(runningSumsEndpoint(sum)(background(), { values: [1, 2, 3, 4] }))).toEqual([{ v: 1 }, { v: 3 }, { v: 6 }, { v: 10 }]);
  });

  it("ends with the reply that carries a business error", async () => {
    const replies = await collect(runningSumsEndpoint(sum)(background(), { values: [2_147_483_647, 1, 5] }));
    expect(replies).toHaveLength(2);
    expect(replies[0]).toEqual({ v: 2_147_483_647 });
    expect(replies[1]?.err).toMatchObject({ code: Code.OutOfRange, message: "integer overflow" });
  });

  it("applies Sum's rules to every step, the first one too", async () => {
    const [reply] = await collect(runningSumsEndpoint(sum)(background(), { values: [0, 1] }));
    expect(reply?.err?.message).toBe("can't sum two zeroes");
  });

  it("stops when the context is canceled", async () => {
    const [ctx, cancel] = withCancel(background());
    const seen: SumResponse[] = [];
    for await (const reply of runningSumsEndpoint(sum)(ctx, { values: [1, 1, 1, 1, 1] })) {
      seen.push(reply);
      if (seen.length === 2) cancel();
    }
    expect(seen).toHaveLength(2);
  });
});

describe("sumEachEndpoint", () => {
  it("answers every request, keeping business errors in the replies", async () => {
    async function* pairs(): AsyncGenerator<SumRequest> {
      yield* [
        { a: 1, b: 2 },
        { a: 0, b: 0 },
        { a: 3, b: 4 },
      ];
      await Promise.resolve();
    }
    const replies = await collect(sumEachEndpoint(sum)(background(), pairs()));
    expect(replies.map((r) => r.v)).toEqual([3, 0, 7]);
    expect(replies[1]?.err).toMatchObject({ code: Code.InvalidArgument, message: "can't sum two zeroes" });
  });
});
