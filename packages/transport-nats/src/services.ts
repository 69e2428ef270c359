/**
 * NATS services, the micro protocol, for Kit endpoints (`@kit/transport-nats/services`; needs
 * the optional peer `@nats-io/services`): {@link serviceEndpoint} adds an endpoint to a service,
 * so `nats micro ls` and `$SRV.PING`/`INFO`/`STATS` see it.
 *
 * @packageDocumentation
 */
export { serviceEndpoint, type ServiceEndpointOptions, type ServiceEndpointTarget } from "./service-endpoint.ts";
