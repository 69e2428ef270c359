// RunningSums and SumEach, Kit's two streaming methods of Go kit's `pb.Add`: an interface of their
// own, as kitgen carries streams over gRPC alone, served beside Sum and Concat on the same service.
import { isKitError, type Context } from "@kit/endpoint";
import type { AddEndpoints } from "./generated/add.endpoints.ts";

/** A Sum's answer on a stream, `proto/addsvc.proto`'s `SumReply`: `v`, or `v` 0 and the business error's message in `err`. */
export interface SumReply {
  /** @int64 */
  readonly v: number;
  readonly err: string;
}

/** Two integers to add, `SumRequest`. */
export interface SumPair {
  /** @int64 */
  readonly a: number;
  /** @int64 */
  readonly b: number;
}

/**
 * The running totals of `values`, ending at a reply with an error; and each pair of a stream answered as it arrives.
 *
 * @protoPackage pb
 * @protoService Add
 */
export interface AddStreams {
  runningSums(ctx: Context, /** @int64 */ values: number[]): AsyncIterable<SumReply>;
  sumEach(ctx: Context, pairs: AsyncIterable<SumPair>): AsyncIterable<SumReply>;
}

/** {@link AddStreams} over the Sum endpoint (with its middleware): every step is a Sum call. */
export function streamsOver(sum: AddEndpoints["sum"]): AddStreams {
  const reply = (ctx: Context, a: number, b: number): Promise<SumReply> =>
    sum(ctx, { a, b }).then((v) => ({ v, err: "" }), (err: unknown) => (isKitError(err) ? { v: 0, err: err.message } : Promise.reject(err as Error)));
  return {
    async *runningSums(ctx, values) {
      let total = 0;
      for (const value of values) {
        if (ctx.signal.aborted) return;
        const answer = await reply(ctx, total, value);
        yield answer;
        if (answer.err !== "") return;
        total = answer.v;
      }
    },
    async *sumEach(ctx, pairs) {
      for await (const { a, b } of pairs) yield await reply(ctx, a, b);
    },
  };
}
