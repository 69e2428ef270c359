import type { Endpoint } from "@kit/endpoint";
import { type EncodeMessage, type PublisherOptions as HookOptions } from "@kit/transport";
import { messagePublisher, type SendMessage } from "@kit/transport/driver";
import type { Producer } from "kafkajs";
import { produce } from "./internal/produce.ts";

/**
 * Options for {@link publisher}: the record's key, and the Go kit hooks every Kit message
 * publisher has (`before`, set headers such as trace context; `finalizer`); a record has no reply,
 * so no `after`.
 */
export interface KafkaPublisherOptions<Req> extends Omit<HookOptions, "after"> {
  /**
   * The record's key, from the request: records with one key go to one partition and are
   * consumed in order. Without it records have no key (spread over partitions).
   */
  readonly key?: ((request: Req) => string | Buffer | null | undefined) | undefined;
}

/**
 * An `Endpoint` that produces each request as one record on a topic and resolves once every
 * in-sync replica has it (`acks: -1`); client middleware (retry, circuit breaker, tracing)
 * wraps it like any other endpoint.
 *
 * Each call: `encode` writes the body and headers; the `before` hooks run (trace context
 * goes in headers here); the time left before the context's deadline goes in `kit-timeout`,
 * which a Kit subscriber turns back into the handler's deadline; the record is sent with the
 * key `options.key` gives. While the broker is away (restarting, unreachable, no leader yet) the
 * record is sent again until the broker acknowledges it, so a publish outlasts a broker restart
 * whatever the client's `retry`: it waits until the context's deadline, or two minutes when the
 * context has none (then `unavailable`). A send the context ends first is abandoned with
 * `deadline_exceeded`/`canceled` (it may still arrive: at least once). Make the producer with
 * {@link atLeastOnceProducer}: kafkajs's idempotent producer can acknowledge a record without
 * writing it after a send whose outcome was unknown.
 *
 * @param producer - a connected kafkajs producer
 * @param topic - the topic to produce to
 * @param encode - writes the request into the record, such as `encodeJSONMessage`
 * @param options - the key function and hooks
 *
 * @example
 * ```ts
 * const producer = atLeastOnceProducer(kafka);
 * await producer.connect();
 * const placeOrder = publisher(producer, "orders", encodeJSONMessage, { key: (o: Order) => o.customerId });
 * await placeOrder(ctx, { customerId: "c-7", sku: "book", qty: 1 });
 * ```
 */
export function publisher<Req>(
  producer: Producer,
  topic: string,
  encode: EncodeMessage<Req>,
  options: KafkaPublisherOptions<Req> = {},
): Endpoint<Req, void> {
  const { key } = options;
  const send: SendMessage<Req> = async (ctx, message, request) => {
    await produce(ctx, producer, topic, key?.(request) ?? null, message);
    return undefined;
  };
  return messagePublisher(send, encode, undefined, options);
}
