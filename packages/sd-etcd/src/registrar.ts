import type { Registrar } from "@kit/sd";
import type { Lease, Namespace } from "etcd3";

/** What {@link etcdRegistrar} registers, Go kit's `etcdv3.Service`. */
export interface EtcdService {
  /** The key, under the prefix clients watch: `/services/users/10.0.0.7:8080`. Unique per instance. */
  readonly key: string;
  /** The value clients get as the instance address: `10.0.0.7:8080`. */
  readonly value: string;
  /**
   * The lease's time to live in whole seconds (at least 1). The registrar renews it every
   * `ttl / 3` seconds; if the process dies, etcd deletes the key about `ttl` seconds later.
   */
  readonly ttl: number;
}

/** Options for {@link etcdRegistrar}. */
export interface EtcdRegistrarOptions {
  /**
   * Told when the lease is lost (etcd unreachable for longer than the TTL, or the lease
   * revoked by someone else) and when registering again fails. Default: ignore.
   */
  readonly onError?: (error: Error) => void;
  /**
   * Milliseconds between attempts to register again after the lease was lost. Default `1000`.
   */
  readonly retryDelay?: number;
}

/**
 * Registers one instance in etcd under a lease that is kept alive, Go kit's
 * `etcdv3.NewRegistrar`. `register()` puts `key = value` with a lease of `ttl` seconds and
 * renews it in the background; `deregister()` revokes the lease, which deletes the key. If
 * the process dies, nobody renews the lease and etcd deletes the key when it expires. If the
 * lease is lost while registered (etcd was unreachable for longer than the TTL), the
 * registrar registers again with a new lease, every `retryDelay` ms until it succeeds.
 *
 * @param client - your etcd3 client, or one of its namespaces; `deregister()` does not close it
 * @param service - the key, value and lease TTL
 * @param options - see {@link EtcdRegistrarOptions}
 *
 * @example
 * ```ts
 * const registrar = etcdRegistrar(client, { key: `/services/users/${addr}`, value: addr, ttl: 10 });
 * await registrar.register();
 * process.once("SIGTERM", async () => {
 *   await registrar.deregister();
 *   await server.close();
 * });
 * ```
 */
export function etcdRegistrar(client: Namespace, service: EtcdService, options: EtcdRegistrarOptions = {}): Registrar {
  const { key, value, ttl } = service;
  const { onError, retryDelay = 1_000 } = options;
  if (key === "") throw new RangeError("etcdRegistrar needs a non-empty key");
  if (!Number.isInteger(ttl) || ttl < 1) throw new RangeError(`ttl must be a whole number of seconds >= 1, got ${String(ttl)}`);
  if (!(retryDelay >= 0)) throw new RangeError(`retryDelay must be a number of milliseconds >= 0, got ${String(retryDelay)}`);

  let registered = false;
  let lease: Lease | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let registering: Promise<void> | undefined;

  const report = (error: unknown): void => {
    try {
      onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // An observer must not break the registration.
    }
  };

  // Grants a lease, kept alive from now on, and puts the key on it.
  const put = async (): Promise<void> => {
    const next = client.lease(ttl);
    let established = false;
    next.on("lost", (error) => {
      if (!established || lease !== next || !registered) return;
      lease = undefined;
      report(error);
      retry();
    });
    lease = next;
    try {
      await next.put(key).value(value).exec();
      established = true;
    } catch (error) {
      if (lease === next) lease = undefined;
      await next.revoke().catch(() => undefined);
      throw error;
    }
  };

  const retry = (): void => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!registered || lease !== undefined) return;
      put().catch((error: unknown) => {
        report(error);
        if (registered && lease === undefined) retry();
      });
    }, retryDelay);
  };

  return {
    async register() {
      if (registering !== undefined) return registering;
      if (registered) return;
      registered = true;
      registering = put().catch((error: unknown) => {
        registered = false;
        throw error;
      });
      try {
        await registering;
      } finally {
        registering = undefined;
      }
    },
    async deregister() {
      if (!registered) return;
      registered = false;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      const current = lease;
      lease = undefined;
      await current?.revoke();
    },
  };
}
