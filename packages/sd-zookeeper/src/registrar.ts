import type { Registrar } from "@kit/sd";
import { createEphemeralSequential, mkdirp, remove, type ZooKeeperClient } from "./client.ts";

/** What {@link zookeeperRegistrar} registers, Go kit's `zk.Service`. */
export interface ZooKeeperService {
  /** The service's node, the path clients watch: `/services/users`. Created, with its parents, if missing. */
  readonly path: string;
  /** The prefix of this instance's node name; ZooKeeper appends a sequence number: `instance-0000000007`. */
  readonly name: string;
  /** The node's data, what clients get as the instance address: `10.0.0.7:8080`. */
  readonly data: string;
}

/**
 * Registers one instance in ZooKeeper as an ephemeral sequential node under the service's
 * path, Go kit's `zk.NewRegistrar`. `register()` creates `path` (and its parents) if missing
 * and then the node `path/name<sequence>` holding `data`; `deregister()` deletes that node.
 * The node is ephemeral: when the client's session ends — the process dies or is cut off for
 * longer than the session timeout — ZooKeeper deletes it.
 *
 * @param client - your node-zookeeper-client `Client`; its session timeout bounds how long a
 * dead process stays registered. `deregister()` does not close it.
 * @param service - the path, the node name and its data
 *
 * @example
 * ```ts
 * const zk = createClient("127.0.0.1:2181", { sessionTimeout: 10_000 });
 * zk.connect();
 * const registrar = zookeeperRegistrar(zk, { path: "/services/users", name: "instance-", data: addr });
 * await registrar.register();
 * process.once("SIGTERM", async () => {
 *   await registrar.deregister();
 *   await server.close();
 * });
 * ```
 */
export function zookeeperRegistrar(client: ZooKeeperClient, service: ZooKeeperService): Registrar {
  const { path, name, data } = service;
  if (!path.startsWith("/") || (path.length > 1 && path.endsWith("/"))) {
    throw new RangeError(`path must be an absolute ZooKeeper path such as /services/users, got ${JSON.stringify(path)}`);
  }
  if (name.includes("/")) throw new RangeError(`name must not contain "/", got ${JSON.stringify(name)}`);
  if (data === "") throw new RangeError("data must not be empty: clients skip instances without data");
  const base = path === "/" ? "" : path;

  let node: string | undefined;
  let pending: Promise<void> | undefined;
  // register() and deregister() run one after the other, in call order.
  const serial = (task: () => Promise<void>): Promise<void> => {
    const run = (pending ?? Promise.resolve()).then(task, task);
    pending = run.catch(() => undefined);
    return run;
  };

  return {
    register: () =>
      serial(async () => {
        if (node !== undefined) return;
        await mkdirp(client, path);
        node = await createEphemeralSequential(client, `${base}/${name}`, data);
      }),
    deregister: () =>
      serial(async () => {
        if (node === undefined) return;
        await remove(client, node);
        node = undefined;
      }),
  };
}
