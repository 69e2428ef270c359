/**
 * JetStream for Kit endpoints (`@kit/transport-nats/jetstream`; needs the optional peer
 * `@nats-io/jetstream`): durable pull consumers with explicit acks, retries by `nak` and a dead
 * letter ({@link jetstreamSubscriber}), and publishers that wait for the stream's PubAck
 * ({@link jetstreamPublisher}).
 *
 * @packageDocumentation
 */
export { jetstreamPublisher, type JetStreamPublisherOptions } from "./jetstream-publisher.ts";
export { jetstreamSubscriber, type JetStreamSubscriberOptions } from "./jetstream-subscriber.ts";
