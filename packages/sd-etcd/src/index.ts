/**
 * etcd service discovery for @kit/sd: a prefix-watching instancer and a lease-keeping registrar on etcd3.
 *
 * @packageDocumentation
 */
export {};
