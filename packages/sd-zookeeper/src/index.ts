/**
 * ZooKeeper service discovery for @kit/sd: an instancer that watches a path and a registrar with ephemeral nodes.
 *
 * @packageDocumentation
 */
export {};
