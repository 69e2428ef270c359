/**
 * Service discovery and client-side load balancing for Kit, Go kit's `sd` and `sd/lb`: an
 * {@link Instancer} reports a service's instances, an {@link endpointer} turns them into
 * cached endpoints through a {@link Factory}, a {@link Balancer} picks one per call and
 * {@link retry} tries again on another. A {@link Registrar} registers the running service.
 * Registry backends (etcd, Consul, DNS SRV…) live in `@kit/sd-*` packages.
 *
 * @packageDocumentation
 */
export type { Balancer, EndpointSource } from "./balancer.ts";
export { endpointer, type Endpointer, type EndpointerOptions } from "./endpointer.ts";
export type { Factory, FactoryResult } from "./factory.ts";
export { fixedInstancer } from "./fixed-instancer.ts";
export { instanceCache, type InstanceCache } from "./instance-cache.ts";
export type { Instancer, InstancerEvent } from "./instancer.ts";
export { powerOfTwoChoices } from "./power-of-two-choices.ts";
export { random } from "./random.ts";
export { readScheduler, type ReadScheduler, type ReadSchedulerOptions } from "./read-scheduler.ts";
export type { Registrar } from "./registrar.ts";
export { retry, type RetryAttempt, type RetryOptions } from "./retry.ts";
export { roundRobin } from "./round-robin.ts";
