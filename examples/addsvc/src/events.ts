// Sum as events, whatever the broker: kitgen writes the Kafka and SQS code of both interfaces
// (`pnpm gen`: src/generated/add-events/ and src/generated/add-results/).
import { isKitError, withoutCancel, type Context } from "@kit/endpoint";
import type { AddEndpoints } from "./generated/add.endpoints.ts";

/** The events addsvc consumes. */
export interface AddEvents {
  /** A request for a sum; `id` pairs the result with it (the record's key on Kafka). */
  sumRequested(ctx: Context, id: string, a: number, b: number): Promise<void>;
}

/** The events addsvc publishes. */
export interface AddResults {
  /** The answer to the sum requested by `id`: the sum `v`, or the business `error`. */
  sumComputed(ctx: Context, id: string, v?: number, error?: { readonly code: string; readonly message: string }): Promise<void>;
}

/**
 * {@link AddEvents} over the Sum endpoint, each result sent to `results`, a business error too. A
 * failed send fails the event, so the broker delivers it again. The result keeps the request's
 * values and trace, not its deadline (`withoutCancel`), so a consumer that lags still gets it.
 *
 * @param sum - the Sum endpoint
 * @param results - where results go, such as `addResultsClient(kafkaTransport(…))`
 */
export function sumEvents(sum: AddEndpoints["sum"], results: AddResults): AddEvents {
  return {
    sumRequested: (ctx, id, a, b) =>
      sum(ctx, { a, b }).then(
        (v) => results.sumComputed(withoutCancel(ctx), id, v),
        (err: unknown) => (isKitError(err) ? results.sumComputed(withoutCancel(ctx), id, undefined, { code: err.code, message: err.message }) : Promise.reject(err as Error)),
      ),
  };
}
