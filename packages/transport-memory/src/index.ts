/**
 * An in-memory message transport for Kit: a {@link MemoryBroker} with queues, at-least-once
 * delivery, delayed retries and a readable dead letter, a {@link subscriber} that serves an
 * endpoint on a queue through `@kit/transport`'s subscriber runtime, and a {@link publisher}
 * endpoint for request/reply and fire-and-forget. The same shape as the NATS and AMQP
 * transports, with no broker to run: for tests, examples and single-process apps.
 *
 * @packageDocumentation
 */
export { MemoryBroker, type DeadLetter, type MemoryBrokerOptions, type QueueStats } from "./broker.ts";
import type { MemoryPublisherOptions } from "./publisher.ts";
export { publisher, type MemoryPublisherOptions } from "./publisher.ts";
/**
 * The old name of {@link MemoryPublisherOptions}, kept so code written against it still compiles.
 *
 * @deprecated Use {@link MemoryPublisherOptions}, named like every Kit transport's options (`<Transport><Role>Options`).
 */
export type PublisherOptions = MemoryPublisherOptions;
export type { PublisherOutcome } from "@kit/transport";
export { subscriber } from "./subscriber.ts";
