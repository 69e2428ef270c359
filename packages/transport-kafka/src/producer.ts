import { Partitioners, type Kafka, type Producer, type ProducerConfig } from "kafkajs";

/** What {@link atLeastOnceProducer} takes: kafkajs's producer settings but the two it fixes. */
export type AtLeastOnceProducerConfig = Omit<ProducerConfig, "idempotent" | "maxInFlightRequests">;

/**
 * The kafkajs producer Kit's publishers, requesters and subscribers are meant for, and the one they
 * make for themselves: no idempotence, one request in flight per broker (so a retried send keeps
 * its place), kafkajs's default partitioner. Every acknowledged record is written; a send that
 * failed may have been written too (at least once).
 *
 * Not idempotent, because kafkajs 2.2.4's idempotent producer can lose an acknowledged record:
 * when a send fails while its outcome is unknown (the broker wrote it, but the answer was lost in
 * a broker restart or came after `requestTimeout`), kafkajs takes back the sequence number it
 * used, and the next record goes out with the same number; the broker takes it for a retry of
 * the one it wrote and acknowledges it without writing it. `test/uncertain-send.integration.test.ts`
 * shows both.
 *
 * @param kafka - the kafkajs client
 * @param config - more producer settings (`retry`, `transactionTimeout`…); `createPartitioner` may
 *   be replaced
 *
 * @example
 * ```ts
 * const producer = atLeastOnceProducer(kafka);
 * await producer.connect();
 * const placeOrder = publisher(producer, "orders", encodeJSONMessage);
 * ```
 */
export function atLeastOnceProducer(kafka: Kafka, config: AtLeastOnceProducerConfig = {}): Producer {
  return kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config, idempotent: false, maxInFlightRequests: 1 });
}
