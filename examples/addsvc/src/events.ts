// addsvc's Sum as an event stream, whatever the broker: a "sum requested" event is handled by
// the Sum endpoint and answered with a "sum computed" event. The two streams are the interfaces
// below, from which kitgen writes the Kafka and SQS wiring (`pnpm gen`: src/generated/add-events/
// and src/generated/add-results/); kafka.ts and sqs.ts put them on a broker.
import { Code, KitError, withoutCancel, type Context, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, type DecodeMessage } from "@kit/transport";
import { failed, type EndpointSet } from "./endpoints.ts";
import type { SumRequestedRequest } from "./generated/add-events/add-events.endpoints.ts";
import type { SumComputedRequest } from "./generated/add-results/add-results.endpoints.ts";

/** The events addsvc consumes; served by {@link sumRequestedHandler}. */
export interface AddEvents {
  /** A request for a sum; `id` pairs the result with it (the record's key on Kafka). */
  sumRequested(ctx: Context, id: string, a: number, b: number): Promise<void>;
}

/** The events addsvc publishes. */
export interface AddResults {
  /** The answer to a sum requested by `id`: the sum `v`, or the business `error` (`invalid_argument` for two zeroes, say). */
  sumComputed(ctx: Context, id: string, v?: number, error?: { readonly code: string; readonly message: string }): Promise<void>;
}

/** A request for a sum, as an event: `{ id, a, b }`. */
export type SumRequested = SumRequestedRequest;

/** The answer to a {@link SumRequested}, as an event: `{ id, v }` or `{ id, error }`. */
export type SumComputed = SumComputedRequest;

const isSumRequested = (value: unknown): value is SumRequested => {
  const v = value as Partial<SumRequested> | null;
  return typeof v === "object" && v !== null && typeof v.id === "string" && typeof v.a === "number" && typeof v.b === "number";
};

const decodeJSON = decodeJSONMessage();

/**
 * Decodes a {@link SumRequested} from a JSON message body; anything else is
 * `invalid_argument`, which sends the message to the dead letter.
 */
export const decodeSumRequested: DecodeMessage<SumRequested> = async (ctx, message) => {
  const value = await decodeJSON(ctx, message);
  if (!isSumRequested(value)) throw new KitError(Code.InvalidArgument, "a sum-requested event needs id (string), a and b (numbers)");
  return value;
};

/**
 * The endpoint a "sum requested" subscriber runs: calls Sum and publishes the
 * {@link SumComputed} with `publish`. A business error is a result too (in `error`), not a
 * failure; a failed publish fails the message, so the broker delivers it again.
 *
 * @param endpoints - addsvc's endpoints
 * @param publish - sends a result, such as a broker publisher
 */
export function sumRequestedHandler(endpoints: EndpointSet, publish: Endpoint<SumComputed, unknown>): Endpoint<SumRequested, undefined> {
  return async (ctx, event) => {
    const response = await endpoints.sumEndpoint(ctx, { a: event.a, b: event.b });
    const err = failed(response);
    // The result is an event of its own: it keeps the request's trace and values, not its
    // deadline, so a consumer that lags behind still gets it (withoutCancel).
    await publish(withoutCancel(ctx), err === undefined ? { id: event.id, v: response.v } : { id: event.id, error: { code: err.code, message: err.message } });
    return undefined;
  };
}
