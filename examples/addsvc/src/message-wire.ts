// addsvc's request/reply wire for the message brokers (NATS, AMQP, MQTT, Redis Streams): what the
// wiring of kitgen's subscribers shares (their error replies, their start). A request is
// `{"a":…,"b":…}` with Go's field rules (kitgen's `@goJSON`); a reply is `{"v":…}`, or for a
// business error the HTTP transport's error body (kitgen's `errorBody`) with the `kit-error-*` headers, so
// the request was handled either way and is acknowledged, not dead-lettered.
import type { Context, KitError } from "@kit/endpoint";
import { encodeJSONMessage, writeError, type OutgoingMessage, type Subscriber } from "@kit/transport";
import { errorBody } from "./generated/add.http.ts";

/**
 * The reply to a request that failed with `err`: the HTTP transport's error body and the
 * `kit-error-*` headers. A subscriber's `errorEncoder` for the transports kitgen writes (AMQP).
 */
export function encodeErrorReply(ctx: Context, err: KitError, reply: OutgoingMessage): void {
  encodeJSONMessage(ctx, errorBody(err), reply);
  writeError(reply.headers, err);
}

/**
 * Waits until `subscribers` are ready and resolves with their `close()`, which closes them at
 * most once; when one cannot start, all are closed and its error is thrown.
 *
 * @param subscribers - the subscribers of every method, such as kitgen's `mqttSubscribers(…)`
 *
 * @example
 * ```ts
 * const close = await started(mqttSubscribers(client, generatedEndpoints(endpoints), { subscriber }));
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
