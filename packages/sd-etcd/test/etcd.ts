// Shared by the integration tests: the etcd they talk to (a client cut off etcd goes through
// @kit/test-support's startCutProxy, and a wait for a condition is its until).
import { randomUUID } from "node:crypto";
import { Etcd3 } from "etcd3";

/** The etcd the tests use: `ETCD_ENDPOINTS` (comma-separated) or 127.0.0.1:2379. */
export const etcdHosts: string[] = (process.env.ETCD_ENDPOINTS ?? "127.0.0.1:2379")
  .split(",")
  .map((host) => host.trim())
  .filter((host) => host !== "");

/** A client for the test etcd, with a 5 s deadline per call so a missing etcd fails fast. */
export function newClient(hosts: string[] = etcdHosts): Etcd3 {
  return new Etcd3({ hosts, dialTimeout: 5_000, defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5_000 }) });
}

/** A key prefix no other run uses. */
export function uniquePrefix(name: string): string {
  return `/kit-test/sd-etcd/${name}/${randomUUID()}/`;
}
