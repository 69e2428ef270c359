/**
 * NATS services, the micro protocol, for Kit endpoints (`@kit/transport-nats/services`; needs
 * the optional peer `@nats-io/services`): {@link serviceEndpoint} adds an endpoint to a service,
 * so `nats micro ls` and `$SRV.PING`/`INFO`/`STATS` see it.
 *
 * @packageDocumentation
 */
import type { NatsServiceEndpointOptions } from "./service-endpoint.ts";
export { serviceEndpoint, type NatsServiceEndpointOptions, type ServiceEndpointTarget } from "./service-endpoint.ts";
/**
 * The old name of {@link NatsServiceEndpointOptions}, kept so code written against it still compiles.
 *
 * @deprecated Use {@link NatsServiceEndpointOptions}, named like every Kit transport's options (`<Transport><Role>Options`).
 */
export type ServiceEndpointOptions = NatsServiceEndpointOptions;
