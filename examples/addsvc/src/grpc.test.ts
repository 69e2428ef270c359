import { background, withCancel } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { newBasicService } from "./service.ts";
import { streamsOver, type SumPair, type SumReply } from "./streams.ts";

const streams = streamsOver(makeEndpoints(newBasicService()).sum);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe("runningSums", () => {
  it("yields the running total, one Sum per value", async () => {
    expect(await collect(streams.runningSums(background(), [1, 2, 3, 4]))).toEqual([1, 3, 6, 10].map((v) => ({ v, err: "" })));
  });

  it("ends with the reply that carries a business error", async () => {
    const replies = await collect(streams.runningSums(background(), [2_147_483_647, 1, 5]));
    expect(replies).toEqual([
      { v: 2_147_483_647, err: "" },
      { v: 0, err: "integer overflow" },
    ]);
  });

  it("applies Sum's rules to every step, the first one too", async () => {
    const [reply] = await collect(streams.runningSums(background(), [0, 1]));
    expect(reply?.err).toBe("can't sum two zeroes");
  });

  it("stops when the context is canceled", async () => {
    const [ctx, cancel] = withCancel(background());
    const seen: SumReply[] = [];
    for await (const reply of streams.runningSums(ctx, [1, 1, 1, 1, 1])) {
      seen.push(reply);
      if (seen.length === 2) cancel();
    }
    expect(seen).toHaveLength(2);
  });
});

describe("sumEach", () => {
  it("answers every request, keeping business errors in the replies", async () => {
    async function* pairs(): AsyncGenerator<SumPair> {
      yield* [
        { a: 1, b: 2 },
        { a: 0, b: 0 },
        { a: 3, b: 4 },
      ];
      await Promise.resolve();
    }
    const replies = await collect(streams.sumEach(background(), pairs()));
    expect(replies).toEqual([
      { v: 3, err: "" },
      { v: 0, err: "can't sum two zeroes" },
      { v: 7, err: "" },
    ]);
  });
});
