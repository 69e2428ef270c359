/**
 * NATS service discovery for `@kit/sd`: {@link natsInstancer} finds the running instances of a
 * NATS service through the NATS micro protocol (`$SRV.INFO.<name>`), so a Kit client can
 * balance and retry across services registered with `@nats-io/services` (or any NATS services
 * library), such as addsvc's NATS transport.
 *
 * @packageDocumentation
 */
export { natsInstancer, type NatsInstancerOptions } from "./instancer.ts";
export { parseServiceInfo, type ServiceEndpointInfo, type ServiceInfo } from "./service-info.ts";
