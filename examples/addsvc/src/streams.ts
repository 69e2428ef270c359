// Kit's two streaming methods of Go kit's `pb.Add`, RunningSums and SumEach: an interface of their
// own (kitgen carries streams over gRPC alone), served beside Sum and Concat on the same service.
import { isKitError, type Context } from "@kit/endpoint";
import type { AddEndpoints } from "./generated/add.endpoints.ts";

/** A Sum's answer on a stream: `v`, or `v` 0 and the business error's message in `err`. */
export interface SumReply {
  /** @int64 */
  readonly v: number;
  readonly err: string;
}

/** Two integers to add. */
export interface SumPair {
  /** @int64 */
  readonly a: number;
  /** @int64 */
  readonly b: number;
}

/**
 * RunningSums (the running totals of `values`, ending with a reply that carries an error) and
 * SumEach (each pair answered as it arrives), every step a call of the Sum endpoint.
 *
 * @protoPackage pb
 * @protoService Add
 */
export interface AddStreams {
  runningSums(ctx: Context, /** @int64 */ values: number[]): AsyncIterable<SumReply>;
  sumEach(ctx: Context, pairs: AsyncIterable<SumPair>): AsyncIterable<SumReply>;
}

/** {@link AddStreams} over the Sum endpoint (`makeEndpoints(svc).sum`, with its middleware). */
export function streamsOver(sum: AddEndpoints["sum"]): AddStreams {
  const reply = (ctx: Context, a: number, b: number): Promise<SumReply> =>
    sum(ctx, { a, b }).then((v) => ({ v, err: "" }), (err: unknown) => (isKitError(err) ? { v: 0, err: err.message } : Promise.reject(err as Error)));
  return {
    async *runningSums(ctx, values) {
      for (let i = 0, total = 0; i < values.length && !ctx.signal.aborted; i++) {
        const answer = await reply(ctx, total, values[i] ?? 0);
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
