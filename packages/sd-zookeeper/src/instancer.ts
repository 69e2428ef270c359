import { type Instancer, instanceCache, readScheduler } from "@kit/sd";
import { State } from "node-zookeeper-client";
import { exists, getChildren, getData, isNoNode, type ZooKeeperClient } from "./client.ts";

/** Options for {@link zookeeperInstancer}. */
export interface ZooKeeperInstancerOptions {
  /**
   * Milliseconds a read of the children may go unanswered before it is reported as an error
   * event (it goes on, and its answer still counts). node-zookeeper-client holds requests
   * while it can't reach any server, and says nothing if it never could; this makes that
   * visible. Default `10000`.
   */
  readonly timeout?: number;
  /** Milliseconds to wait before reading again after a read failed. Default `1000`. */
  readonly retryDelay?: number;
}

/**
 * Watches the children of `path` in ZooKeeper and reports their data (UTF-8) as the instances
 * of a service, Go kit's `zk.NewInstancer`. Every event carries the complete set, read again
 * whenever the children change; a missing `path` has no instances until it is created. A
 * lost connection or an expired session is an error event; on reconnecting the set is read
 * again, and a read that fails or goes unanswered for `timeout` ms is an error event too.
 * Children whose data is empty are skipped.
 *
 * @param client - your node-zookeeper-client `Client` (connected or about to be); `stop()`
 * does not close it. After its session expires it is closed for good: make a new client and
 * a new instancer.
 * @param path - the service's node, such as `/services/users`, whose children are its instances
 * @param options - see {@link ZooKeeperInstancerOptions}
 *
 * @example
 * ```ts
 * const zk = createClient("127.0.0.1:2181");
 * zk.connect();
 * const instancer = zookeeperInstancer(zk, "/services/users");
 * const users = retry(3, 2_000, roundRobin(endpointer(instancer, factory)));
 * ```
 */
export function zookeeperInstancer(client: ZooKeeperClient, path: string, options: ZooKeeperInstancerOptions = {}): Instancer {
  const { timeout = 10_000, retryDelay = 1_000 } = options;
  checkArguments(path, timeout, retryDelay);
  let stopped = false;
  const running = (): boolean => !stopped; // a function: `stopped` changes across awaits

  const onState = (state: { readonly name: string; readonly code: number }): void => {
    if (state.code === State.SYNC_CONNECTED.code || state.code === State.CONNECTED_READ_ONLY.code) refresh();
    else if (state.code === State.DISCONNECTED.code) cache.update({ error: new Error(`zookeeper: disconnected while watching ${path}`) });
    else if (state.code === State.EXPIRED.code) cache.update({ error: new Error(`zookeeper: session expired while watching ${path}`) });
    else if (state.code === State.AUTH_FAILED.code) cache.update({ error: new Error(`zookeeper: authentication failed while watching ${path}`) });
  };
  const cache = instanceCache(() => {
    stopped = true;
    reads.stop();
    client.removeListener("state", onState);
  });

  // One function for every watch, so the client keeps a single watch per node however often
  // the set is read.
  const watcher = (): void => {
    refresh();
  };

  // Reads the children and their data; a change during a read makes one more read, and a
  // failed read is read again after retryDelay.
  const reads = readScheduler({
    read: async () => {
      const unanswered = setTimeout(() => {
        cache.update({ error: new Error(`zookeeper: no answer in ${timeout} ms while reading ${path}`) });
      }, timeout);
      unanswered.unref();
      try {
        const found = await readInstances(client, path, watcher, () => {
          cache.update({ instances: [] });
        });
        if (found === "created") reads.request();
        else if (found !== "missing" && running()) cache.update({ instances: found });
      } finally {
        clearTimeout(unanswered);
      }
    },
    onError: (error) => {
      cache.update({ error: error instanceof Error ? error : new Error(String(error)) });
    },
    retryDelay,
  });

  const refresh = (): void => {
    reads.request();
  };

  client.on("state", onState);
  refresh();
  return cache;
}

function checkArguments(path: string, timeout: number, retryDelay: number): void {
  if (!path.startsWith("/") || (path.length > 1 && path.endsWith("/"))) {
    throw new RangeError(`path must be an absolute ZooKeeper path such as /services/users, got ${JSON.stringify(path)}`);
  }
  for (const [option, value] of [["timeout", timeout], ["retryDelay", retryDelay]] as const) {
    if (!(value >= 0 && Number.isFinite(value))) throw new RangeError(`${option} must be a number of milliseconds >= 0, got ${String(value)}`);
  }
}

/**
 * The data of every child of `path` (empty data skipped), watching the children. When `path`
 * is missing: calls `onMissing` (an empty set is reported then), watches for the node to be
 * created, and resolves `"created"` if it already is (read again) or `"missing"`.
 */
async function readInstances(
  client: ZooKeeperClient,
  path: string,
  watcher: () => void,
  onMissing: () => void,
): Promise<string[] | "missing" | "created"> {
  let children: string[];
  try {
    children = await getChildren(client, path, watcher);
  } catch (error) {
    if (!isNoNode(error)) throw error;
    onMissing();
    return (await exists(client, path, watcher)) ? "created" : "missing";
  }
  const base = path === "/" ? "" : path;
  const data = await Promise.all(children.map((child) => getData(client, `${base}/${child}`)));
  return data.filter((value): value is string => value !== undefined && value !== "");
}
