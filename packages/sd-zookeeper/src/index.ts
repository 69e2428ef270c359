/**
 * ZooKeeper service discovery for `@kit/sd`, Go kit's `sd/zk` on node-zookeeper-client: a
 * {@link zookeeperInstancer} that watches a path's children and a {@link zookeeperRegistrar}
 * that registers an instance as an ephemeral sequential node.
 *
 * @packageDocumentation
 */
export type { ZooKeeperClient } from "./client.ts";
export { zookeeperInstancer, type ZooKeeperInstancerOptions } from "./instancer.ts";
export { zookeeperRegistrar, type ZooKeeperService } from "./registrar.ts";
