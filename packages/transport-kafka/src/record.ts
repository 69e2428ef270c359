import type { Message } from "@kit/transport";

/**
 * A Kafka record as the subscriber hands it to `before` hooks, the decoder and finalizers:
 * the runtime's `Message` (body, headers with lower-case names, attempt) plus where it came
 * from. Cast a `Message` to it to read the key or the offset.
 *
 * @example
 * ```ts
 * const decode: DecodeMessage<Order> = (_ctx, m) => ({ ...JSON.parse(Buffer.from(m.body).toString()), key: (m as KafkaRecord).key });
 * ```
 */
export interface KafkaRecord extends Message {
  /** The topic it was read from. */
  readonly topic: string;
  /** The partition it was read from. */
  readonly partition: number;
  /** Its offset in the partition, as decimal digits. */
  readonly offset: string;
  /** Its key, or `null` for a record without one. */
  readonly key: Buffer | null;
  /** The time the producer or the broker gave it, epoch milliseconds as decimal digits. */
  readonly timestamp: string;
}
