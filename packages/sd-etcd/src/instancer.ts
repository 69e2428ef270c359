import { type Instancer, instanceCache, readScheduler } from "@kit/sd";
import type { Namespace, Watcher } from "etcd3";

/** Options for {@link etcdInstancer}. */
export interface EtcdInstancerOptions {
  /**
   * Milliseconds to wait before trying again after a read of the prefix failed or etcd
   * cancelled the watch (for example after a compaction). Default `1000`. A lost connection
   * needs no such wait: etcd3 reconnects the watch by itself, and the prefix is read again then.
   */
  readonly retryDelay?: number;
}

/**
 * Watches every key under `prefix` in etcd and reports their values as the instances of a
 * service, Go kit's `etcdv3.NewInstancer`. Every event carries the complete set of values under
 * the prefix (read again after each change); a watch that is disconnected or cancelled, or a
 * read that fails, is an error event, and the set is read again once the watch is back.
 *
 * End `prefix` with a separator (`/services/users/`), or `/services/users` also matches
 * `/services/users-admin/…`.
 *
 * @param client - your etcd3 client, or one of its namespaces; `stop()` does not close it
 * @param prefix - the key prefix the service's instances register under
 * @param options - see {@link EtcdInstancerOptions}
 *
 * @example
 * ```ts
 * const client = new Etcd3({ hosts: "127.0.0.1:2379" });
 * const instancer = etcdInstancer(client, "/services/users/");
 * const endpoints = endpointer(instancer, factory);
 * const users = retry(3, 2_000, roundRobin(endpoints));
 * ```
 */
export function etcdInstancer(client: Namespace, prefix: string, options: EtcdInstancerOptions = {}): Instancer {
  const { retryDelay = 1_000 } = options;
  if (prefix === "") throw new RangeError("etcdInstancer needs a non-empty prefix");
  if (!(retryDelay >= 0)) throw new RangeError(`retryDelay must be a number of milliseconds >= 0, got ${String(retryDelay)}`);

  let stopped = false;
  let watcher: Watcher | undefined;
  let rewatchTimer: NodeJS.Timeout | undefined;
  const cache = instanceCache(() => {
    stopped = true;
    reads.stop();
    clearTimeout(rewatchTimer);
    void watcher?.cancel().catch(() => undefined);
    watcher = undefined;
  });

  // Reads the whole prefix; a change during a read makes one more read, so the last event
  // always reflects the last change. A failed read is read again later, even if no change comes.
  const reads = readScheduler({
    read: async () => {
      const values = await client.getAll().prefix(prefix).strings();
      cache.update({ instances: Object.values(values) });
    },
    onError: (error) => {
      cache.update({ error: asError(error, `etcd: reading ${prefix}`) });
    },
    retryDelay,
  });
  const refresh = (): void => {
    reads.request();
  };

  const watch = (): void => {
    const current = client.watch().prefix(prefix).watcher();
    watcher = current;
    current
      .on("connected", refresh)
      .on("put", refresh)
      .on("delete", refresh)
      .on("disconnected", (error) => {
        if (!stopped) cache.update({ error: asError(error, `etcd: watching ${prefix}`) });
      })
      .on("error", (error) => {
        // etcd cancelled the watch: it is gone for good, so start a new one.
        if (stopped || watcher !== current) return;
        cache.update({ error: asError(error, `etcd: watching ${prefix}`) });
        watcher = undefined;
        rewatchTimer = setTimeout(watch, retryDelay);
      });
  };

  watch();
  refresh();
  return cache;
}

function asError(error: unknown, context: string): Error {
  return error instanceof Error ? error : new Error(`${context}: ${String(error)}`);
}
