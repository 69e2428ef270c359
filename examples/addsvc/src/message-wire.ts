// addsvc's request/reply wire for the message brokers (NATS, AMQP, MQTT, Redis Streams): the
// error reply of kitgen's subscribers. A request is `{"a":…,"b":…}` with Go's field rules
// (kitgen's `@goJSON`); a reply is `{"v":…}`, or for a business error the HTTP transport's error
// body (kitgen's `errorBody`) with the `kit-error-*` headers, so the request was handled either
// way and is acknowledged, not dead-lettered.
import type { Context, KitError } from "@kit/endpoint";
import { encodeJSONMessage, writeError, type OutgoingMessage } from "@kit/transport";
import { errorBody } from "./generated/add.http.ts";

/**
 * The reply to a request that failed with `err`: the HTTP transport's error body and the
 * `kit-error-*` headers. A subscriber's `errorEncoder` for the transports kitgen writes (AMQP).
 */
export function encodeErrorReply(ctx: Context, err: KitError, reply: OutgoingMessage): void {
  encodeJSONMessage(ctx, errorBody(err), reply);
  writeError(reply.headers, err);
}
