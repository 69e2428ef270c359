import { createInbox, Empty, type NatsConnection } from "@nats-io/nats-core";
import { instanceCache, type Instancer } from "@kit/sd";
import { parseServiceInfo, type ServiceInfo } from "./service-info.ts";

/** Options for {@link natsInstancer}. */
export interface NatsInstancerOptions {
  /** Milliseconds between two discoveries; default 5000. */
  readonly interval?: number;
  /**
   * Milliseconds a discovery collects answers for, after asking every instance; default 250.
   * Instances that answer later are missed by that discovery. Must be less than `interval`.
   */
  readonly window?: number;
  /**
   * What address an instance stands for, read from its `$SRV.INFO` answer: its id by
   * default. Return, for example, `info.metadata?.http` when instances advertise an
   * address in their metadata. An instance for which it returns `undefined` is left out.
   */
  readonly instance?: (info: ServiceInfo) => string | undefined;
}

/**
 * An {@link Instancer} for a NATS service (the NATS micro protocol, as `@nats-io/services`
 * and every NATS services library implement it): every `interval` it publishes to
 * `$SRV.INFO.<name>`, collects the answers for `window`, and reports the instances that
 * answered. An instance that stops (or whose process dies) stops answering and is gone from
 * the next event; a connection that is closed is an error event, which the endpointer
 * handles by its own rules (keeping the last good set for a while).
 *
 * @param nc - the NATS connection to ask on
 * @param name - the service's name, as it registered (`addsvc`)
 * @param options - interval, window, and how an instance maps to an address
 *
 * @example
 * ```ts
 * const instancer = natsInstancer(nc, "addsvc", { instance: (info) => info.metadata?.http });
 * const endpoints = endpointer(instancer, (addr) => ({ endpoint: sumOver(addr) }));
 * const sum = retry(3, 2_000, roundRobin(endpoints));
 * ```
 */
export function natsInstancer(nc: NatsConnection, name: string, options: NatsInstancerOptions = {}): Instancer {
  const { interval = 5_000, window = 250, instance = (info: ServiceInfo) => info.id } = options;
  if (!(window > 0 && interval > window)) throw new RangeError(`want 0 < window < interval, got window ${window} ms and interval ${interval} ms`);
  if (!/^[^\s.*>]+$/.test(name)) throw new RangeError(`invalid service name ${JSON.stringify(name)}: want one subject token`);

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const isStopped = (): boolean => stopped; // read afresh: stop() may run at any await
  const active = new Set<{ unsubscribe(): void }>();
  const cache = instanceCache(() => {
    stopped = true;
    clearTimeout(timer);
    for (const sub of active) sub.unsubscribe();
  });

  const discover = async (): Promise<ServiceInfo[]> => {
    if (nc.isClosed() || nc.isDraining()) throw new Error(`cannot discover ${name}: the NATS connection is closed`);
    const sub = nc.subscribe(createInbox());
    active.add(sub);
    const found = new Map<string, ServiceInfo>();
    const stop = setTimeout(() => {
      sub.unsubscribe();
    }, window);
    try {
      nc.publish(`$SRV.INFO.${name}`, Empty, { reply: sub.getSubject() });
      for await (const msg of sub) {
        const info = parseServiceInfo(msg.data);
        if (info?.name === name) found.set(info.id, info);
      }
    } finally {
      clearTimeout(stop);
      sub.unsubscribe();
      active.delete(sub);
    }
    if (nc.isClosed()) throw new Error(`cannot discover ${name}: the NATS connection closed`);
    return [...found.values()];
  };

  const round = async (): Promise<void> => {
    try {
      const infos = await discover();
      if (isStopped()) return;
      const instances = infos.map(instance).filter((addr): addr is string => addr !== undefined);
      cache.update({ instances });
    } catch (thrown) {
      if (isStopped()) return;
      cache.update({ error: thrown instanceof Error ? thrown : new Error(String(thrown)) });
    }
    // A listener may have stopped the instancer during update.
    if (!isStopped()) {
      timer = setTimeout(() => {
        void round();
      }, interval);
    }
  };
  void round();
  return {
    subscribe: (listener) => cache.subscribe(listener),
    stop: () => {
      cache.stop();
    },
  };
}
