/**
 * The RabbitMQ (AMQP 0-9-1) transport for Kit endpoints, on a connection that reconnects by
 * itself ({@link connect}) or the user's own amqplib channel:
 * a {@link subscriber} that serves an endpoint on a queue through `@kit/transport`'s
 * subscriber runtime (prefetch = concurrency, replies to `reply_to` with the
 * `correlation_id`, retries through a TTL retry queue with the attempt in `kit-attempts`,
 * dead letters through a dead-letter exchange with publisher confirms), a {@link publisher}
 * endpoint for request/reply over direct reply-to or confirmed fire-and-forget events, and
 * {@link assertTopology} to declare the queues and exchange they use.
 *
 * @packageDocumentation
 */
export { connect, AmqpConnection, type ConnectOptions, type Declaration } from "./connection.ts";
import type { AmqpPublisherOptions } from "./publisher.ts";
export { publisher, type AmqpPublisherOptions } from "./publisher.ts";
/**
 * The old name of {@link AmqpPublisherOptions}, kept so code written against it still compiles.
 *
 * @deprecated Use {@link AmqpPublisherOptions}, named like every Kit transport's options (`<Transport><Role>Options`).
 */
export type PublisherOptions = AmqpPublisherOptions;
export type { PublisherOutcome } from "@kit/transport";
export { subscriber, type AmqpSubscriberOptions } from "./subscriber.ts";
export { assertTopology, topologyOf, type Topology, type TopologyOptions } from "./topology.ts";
