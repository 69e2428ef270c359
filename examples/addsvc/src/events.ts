// addsvc's Sum as an event stream, whatever the broker: a "sum requested" event is handled by
// the Sum endpoint and answered with a "sum computed" event. The Kafka and SQS transports
// (kafka.ts, sqs.ts) carry these; this file is the part they share.
import { Code, KitError, withoutCancel, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, type DecodeMessage } from "@kit/transport";
import { failed, type EndpointSet } from "./endpoints.ts";

/** A request for a sum, as an event. */
export interface SumRequested {
  /** Pairs the result with the request (the record's key on Kafka). */
  readonly id: string;
  /** The first addend. */
  readonly a: number;
  /** The second addend. */
  readonly b: number;
}

/** The answer to a {@link SumRequested}, as an event. */
export interface SumComputed {
  /** The request's id. */
  readonly id: string;
  /** The sum; absent when `error` is set. */
  readonly v?: number;
  /** The business error (`invalid_argument` for two zeroes, say). */
  readonly error?: { readonly code: string; readonly message: string };
}

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
