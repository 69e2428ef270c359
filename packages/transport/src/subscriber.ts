import type { Endpoint } from "@kit/endpoint";
import { exponentialBackoff } from "./backoff.ts";
import { defaultErrorHandler, observeErrors } from "./error-handler.ts";
import { startRuntime } from "./internal/runtime/runtime.ts";
import type { MessageDriver } from "./message-driver.ts";
import { writeError } from "./message-error.ts";
import type { DecodeMessage, EncodeMessage, Message } from "./message.ts";
import type { MessageErrorEncoder, Subscriber, SubscriberOptions } from "./subscriber-options.ts";

/**
 * The message-subscriber runtime that every Kit message transport runs on: it receives from
 * a broker through a {@link MessageDriver}, runs the endpoint on each message, and decides
 * what happens to it. Broker packages wrap it as their `subscriber(…)`; applications rarely
 * call it directly.
 *
 * - **Bounded concurrency with backpressure**: at most `concurrency` messages run at once,
 *   and the driver is asked for no more than there are free slots.
 * - **Ack after success**: a message is acknowledged only after the endpoint, and the reply
 *   where the message has a reply address, have succeeded.
 * - **Retries**: an error with a retryable code (`unavailable`, `deadline_exceeded`,
 *   `resource_exhausted`, `aborted`; see `isRetryable`) or a failed reply is tried again after
 *   `backoff(attempt)`, up to `maxAttempts`, by broker redelivery or in place (see
 *   {@link RetryMode}).
 * - **Dead letter**: a non-retryable error, a message that cannot be decoded (or has a
 *   malformed `kit-timeout`), or the last failed attempt goes to the dead letter at once, with
 *   `kit-error-code`, `kit-error-message` and `kit-attempts` headers; a request is also
 *   answered with the error. Nothing is dropped silently.
 * - **Deadlines**: a `kit-timeout` header becomes the context's deadline; when it passes, the
 *   attempt fails with `deadline_exceeded` without waiting for the endpoint.
 * - **Drain**: `close()` stops receiving, waits for what is in flight up to `closeTimeout`,
 *   then cancels and releases the rest.
 *
 * @param driver - the broker package's driver
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the endpoint's request, such as `decodeJSONMessage`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - hooks, limits, retries and the close timeout
 *
 * @example
 * ```ts
 * const sub = runSubscriber(natsDriver(nc, "orders"), placeOrder, decodeJSONMessage(Order), encodeJSONMessage, {
 *   concurrency: 8,
 *   maxAttempts: 3,
 * });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewSubscriber(endpoint, dec, enc, options...), with the broker in front
export function runSubscriber<Req, Res, M extends Message>(
  driver: MessageDriver<M>,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: SubscriberOptions = {},
): Subscriber {
  const { before = [], after = [], finalizer = [], closeTimeout = 30_000, exposeErrors = false } = options;
  if (!(closeTimeout >= 0)) throw new RangeError(`closeTimeout must be milliseconds, got ${closeTimeout}`);
  if (driver.retry === "redeliver" && driver.retryLater === undefined) {
    throw new TypeError('a driver whose retry mode is "redeliver" must implement retryLater');
  }
  return startRuntime({
    driver,
    endpoint,
    decode,
    encode,
    before,
    after,
    finalizer,
    closeTimeout,
    exposeErrors,
    concurrency: positiveInteger("concurrency", options.concurrency ?? 16),
    maxAttempts: positiveInteger("maxAttempts", options.maxAttempts ?? 5),
    backoff: options.backoff ?? exponentialBackoff(),
    errorEncoder: options.errorEncoder ?? defaultErrorEncoder,
    observe: observeErrors(options.errorHandler ?? defaultErrorHandler),
  });
}

const defaultErrorEncoder: MessageErrorEncoder = (_ctx, err, reply) => {
  writeError(reply.headers, err);
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  return value;
}
