/**
 * NATS transport for Kit endpoints, on the user's own `@nats-io/transport-node` connection:
 * core NATS request/reply ({@link subscriber}, {@link publisher}). Subscribers run on
 * `@kit/transport`'s subscriber runtime; errors cross as `kit-error-code`/`kit-error-message`
 * headers and deadlines as `kit-timeout`.
 *
 * JetStream lives at `@kit/transport-nats/jetstream` and NATS services (micro) at
 * `@kit/transport-nats/services`, so that this entry needs neither optional peer
 * (`@nats-io/jetstream`, `@nats-io/services`) installed, not even for its types.
 *
 * @packageDocumentation
 */
import type { NatsPublisherOptions } from "./publisher.ts";
export { publisher, type NatsPublisherOptions } from "./publisher.ts";
/**
 * The old name of {@link NatsPublisherOptions}, kept so code written against it still compiles.
 *
 * @deprecated Use {@link NatsPublisherOptions}, named like every Kit transport's options (`<Transport><Role>Options`).
 */
export type PublisherOptions = NatsPublisherOptions;
export type { PublisherOutcome } from "@kit/transport";
export { subscriber, type NatsSubscriberOptions } from "./subscriber.ts";
