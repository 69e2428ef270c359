import { toKitError, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import type { EncodeMessage, OutgoingMessage } from "@kit/transport";
import type { Producer } from "kafkajs";
import { produce } from "./internal/produce.ts";

/** What a {@link PublisherOptions.finalizer} hook learns about a finished call. */
export interface PublisherOutcome {
  /** The error the call failed with; `undefined` on success. */
  readonly error: KitError | undefined;
}

/** Options for {@link publisher}, with the Go kit hook names every Kit transport uses. */
export interface PublisherOptions<Req> {
  /**
   * The record's key, from the request: records with one key go to one partition and are
   * consumed in order. Without it records have no key (spread over partitions).
   */
  readonly key?: (request: Req) => string | Buffer | null | undefined;
  /** Hooks run in order after encoding, before the record is sent: set headers (trace context), return the context. */
  readonly before?: readonly ((ctx: Context, message: OutgoingMessage) => Context | Promise<Context>)[];
  /** Hooks run at the end of every call, whatever happened; what they throw is ignored. */
  readonly finalizer?: readonly ((ctx: Context, outcome: PublisherOutcome) => void | Promise<void>)[];
}

/**
 * An `Endpoint` that produces each request as one record on a topic and resolves once every
 * in-sync replica has it (`acks: -1`); client middleware (retry, circuit breaker, tracing)
 * wraps it like any other endpoint.
 *
 * Each call: `encode` writes the body and headers; the `before` hooks run (trace context
 * goes in headers here); the time left before the context's deadline goes in `kit-timeout`,
 * which a Kit subscriber turns back into the handler's deadline; the record is sent with the
 * key `options.key` gives, and the send is abandoned with `deadline_exceeded`/`canceled` when
 * the context ends first (it may still arrive: at least once). Make the producer with
 * `kafka.producer({ idempotent: true })` so the producer's own retries never write a record
 * twice.
 *
 * @param producer - a connected kafkajs producer
 * @param topic - the topic to produce to
 * @param encode - writes the request into the record, such as `encodeJSONMessage`
 * @param options - the key function and hooks
 *
 * @example
 * ```ts
 * const producer = kafka.producer({ idempotent: true });
 * await producer.connect();
 * const placeOrder = publisher(producer, "orders", encodeJSONMessage, { key: (o: Order) => o.customerId });
 * await placeOrder(ctx, { customerId: "c-7", sku: "book", qty: 1 });
 * ```
 */
export function publisher<Req>(
  producer: Producer,
  topic: string,
  encode: EncodeMessage<Req>,
  options: PublisherOptions<Req> = {},
): Endpoint<Req, void> {
  const { key, before = [], finalizer = [] } = options;
  return async (ctx, request) => {
    let current = ctx;
    let error: KitError | undefined;
    try {
      const message: OutgoingMessage = { body: new Uint8Array(0), headers: new Map<string, string>() };
      await encode(current, request, message);
      for (const hook of before) current = await hook(current, message);
      await produce(current, producer, topic, key?.(request) ?? null, message);
    } catch (thrown) {
      error = toKitError(thrown);
      throw error;
    } finally {
      for (const hook of finalizer) {
        try {
          await hook(current, { error });
        } catch {
          // a finalizer only observes; its failure must not change the call's result
        }
      }
    }
  };
}
