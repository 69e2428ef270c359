// addsvc's request/reply wire for the message brokers (NATS, AMQP, MQTT, Redis Streams): the
// JSON bodies of the HTTP transport (wire.ts) in messages, and what the wiring of
// kitgen's subscribers shares (their request decoders, their start). A request is
// `{"a":…,"b":…}` with Go's field rules; a reply is `{"v":…}`, or for a business error the HTTP
// transport's error body with the `kit-error-*` headers, so the request was handled either way
// and is acknowledged, not dead-lettered.
import { Code, KitError, type Context } from "@kit/endpoint";
import { encodeJSONMessage, jsonCodec, writeError, type DecodeMessage, type OutgoingMessage, type Subscriber } from "@kit/transport";
import type { ConcatRequest, ConcatResponse, SumRequest, SumResponse } from "./endpoints.ts";
import { concatRequestFromJSON, errorToJSON, sumRequestFromJSON } from "./wire.ts";

/** The Sum request from a message body: JSON with Go's field rules; anything else is `invalid_argument`. */
export const decodeSumMessage: DecodeMessage<SumRequest> = (_ctx, message) => sumRequestFromJSON(jsonCodec.decode(message.body));

/** The Concat request from a message body. */
export const decodeConcatMessage: DecodeMessage<ConcatRequest> = (_ctx, message) => concatRequestFromJSON(jsonCodec.decode(message.body));

/**
 * The reply to a request that failed with `err`: the HTTP transport's error body and the
 * `kit-error-*` headers. A subscriber's `errorEncoder` for the transports kitgen writes (AMQP).
 */
export function encodeErrorReply(ctx: Context, err: KitError, reply: OutgoingMessage): void {
  encodeJSONMessage(ctx, errorToJSON(err), reply);
  writeError(reply.headers, err);
}

/**
 * The client's decoders for the replies `{"v": <integer>}` and `{"v": <string>}`; anything else
 * is `internal`, naming `transport` (a business error never gets here: the publisher throws the
 * `kit-error-*` headers first).
 *
 * @param transport - named in the error, such as `"NATS"`
 */
export function replyDecoders(transport: string): { sum: DecodeMessage<SumResponse>; concat: DecodeMessage<ConcatResponse> } {
  const results = resultDecoders(transport);
  return {
    sum: (_ctx, reply) => results.sum(jsonCodec.decode(reply.body)),
    concat: (_ctx, reply) => results.concat(jsonCodec.decode(reply.body)),
  };
}

/**
 * The checks of {@link replyDecoders} on a reply already parsed:
 * `{"v": <integer>}` for Sum, `{"v": <string>}` for Concat, anything else `internal`.
 *
 * @param transport - named in the error, such as `"NATS"`
 */
function resultDecoders(transport: string): { sum: (result: unknown) => SumResponse; concat: (result: unknown) => ConcatResponse } {
  const badReply = (want: string, got: unknown): KitError => {
    const shown = got === undefined ? "no v" : JSON.stringify(got).slice(0, 100);
    return new KitError(Code.Internal, `invalid reply from addsvc over ${transport}: want {"v": ${want}}, got ${shown}`);
  };
  return {
    sum: (result) => {
      const v = valueOf(result);
      if (typeof v === "number" && Number.isInteger(v)) return { v };
      throw badReply("an integer", v);
    },
    concat: (result) => {
      const v = valueOf(result);
      if (typeof v === "string") return { v };
      throw badReply("a string", v);
    },
  };
}

function valueOf(body: unknown): unknown {
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).v : undefined;
}

/** The request decoders of the subscribers kitgen writes (its `decoders` option): Go's field rules and error messages. */
export const requestDecoders = { sum: decodeSumMessage, concat: decodeConcatMessage } as const;

/**
 * Waits until `subscribers` are ready and resolves with their `close()`, which closes them at
 * most once; when one cannot start, all are closed and its error is thrown.
 *
 * @param subscribers - the subscribers of every method, such as kitgen's `mqttSubscribers(…)`
 *
 * @example
 * ```ts
 * const close = await started(mqttSubscribers(client, generatedEndpoints(endpoints), { decoders: requestDecoders }));
 * ```
 */
export async function started(subscribers: Subscriber): Promise<() => Promise<void>> {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= subscribers.close());
  try {
    await subscribers.ready;
  } catch (err) {
    await close();
    throw err;
  }
  return close;
}
