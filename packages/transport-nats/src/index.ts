/**
 * NATS transport for Kit endpoints, on the user's own `@nats-io/transport-node` connection:
 * core NATS request/reply ({@link subscriber}, {@link publisher}), JetStream durable pull
 * consumers with explicit acks, retries by `nak` and a dead letter
 * ({@link jetstreamSubscriber}), publishers that wait for the stream's PubAck
 * ({@link jetstreamPublisher}), and endpoints of NATS services, the micro protocol
 * ({@link serviceEndpoint}). Subscribers run on `@kit/transport`'s subscriber runtime; errors
 * cross as `kit-error-code`/`kit-error-message` headers and deadlines as `kit-timeout`.
 *
 * @packageDocumentation
 */
export { jetstreamPublisher } from "./jetstream-publisher.ts";
export { jetstreamSubscriber, type JetStreamSubscriberOptions } from "./jetstream-subscriber.ts";
export { publisher, type PublisherOptions } from "./publisher.ts";
export type { PublisherOutcome } from "@kit/transport";
export { serviceEndpoint, type ServiceEndpointOptions, type ServiceEndpointTarget } from "./service-endpoint.ts";
export { subscriber, type NatsSubscriberOptions } from "./subscriber.ts";
