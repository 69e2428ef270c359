/**
 * etcd service discovery for `@kit/sd`, Go kit's `sd/etcdv3` on the `etcd3` client: an
 * {@link etcdInstancer} that watches a key prefix and an {@link etcdRegistrar} that registers
 * an instance under a lease it keeps alive.
 *
 * @packageDocumentation
 */
export { etcdInstancer, type EtcdInstancerOptions } from "./instancer.ts";
export { etcdRegistrar, type EtcdRegistrarOptions, type EtcdService } from "./registrar.ts";
