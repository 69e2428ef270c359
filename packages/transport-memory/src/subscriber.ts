import type { Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { runSubscriber } from "@kit/transport/driver";
import type { MemoryBroker } from "./broker.ts";
import { memoryDriver } from "./internal/driver.ts";
import { stateOf } from "./internal/state.ts";

/**
 * Serves an endpoint on a queue of a {@link MemoryBroker}, the in-memory counterpart of the
 * NATS and AMQP subscribers, on the same runtime (`runSubscriber` from `@kit/transport`): at
 * most `concurrency` messages at once, acknowledged only after the endpoint and any reply
 * succeeded, retryable errors retried with backoff by delayed redelivery up to
 * `maxAttempts`, everything else dead-lettered with `kit-error-code`/`kit-error-message`
 * headers, requests answered. Several subscribers on one queue share its messages.
 *
 * `close()` stops taking messages, waits for those in flight (up to `closeTimeout`) and
 * gives back what is unfinished, which the broker delivers again.
 *
 * @param broker - the broker
 * @param queue - the queue to consume
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the runtime's options: hooks, `concurrency`, `maxAttempts`, `backoff`, `closeTimeout`
 *
 * @example
 * ```ts
 * const broker = new MemoryBroker();
 * const sub = subscriber(broker, "sum", sum, decodeJSONMessage(SumRequest), encodeJSONMessage);
 * const client = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * await client(background(), { a: 1, b: 2 }); // { v: 3 }
 * await sub.close();
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the broker and queue in front
export function subscriber<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: SubscriberOptions = {},
): Subscriber {
  const state = stateOf(broker);
  const q = state.queue(queue);
  const consumer = {};
  const running = runSubscriber(memoryDriver(state, q, consumer), endpoint, decode, encode, options);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= running.close().finally(() => {
      q.disconnect(consumer); // anything the runtime did not settle goes back to the queue
    }));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}
