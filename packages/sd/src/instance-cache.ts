import type { Instancer, InstancerEvent } from "./instancer.ts";

/**
 * An {@link Instancer} whose state is set by {@link InstanceCache.update}: the building block
 * of registry packages (Go kit's `sd/internal/instance.Cache`) and a handy fake in tests.
 */
export interface InstanceCache extends Instancer {
  /**
   * Sets the state and tells every subscriber, unless it is the same set of instances as
   * now (order and duplicates ignored). Does nothing after {@link Instancer.stop}.
   */
  update(event: InstancerEvent): void;
  /** The current state: the last event, with instances sorted and deduplicated. */
  state(): InstancerEvent | undefined;
}

/**
 * Makes an empty {@link InstanceCache}. A registry package calls `update` from its watch
 * and runs its own clean-up in `onStop`.
 *
 * @param onStop - called once, by the first `stop()`
 *
 * @example
 * ```ts
 * const cache = instanceCache(() => watcher.close());
 * watcher.on("change", (addrs) => cache.update({ instances: addrs }));
 * watcher.on("error", (error) => cache.update({ error }));
 * return cache; // an Instancer
 * ```
 */
export function instanceCache(onStop?: () => void): InstanceCache {
  const listeners = new Set<(event: InstancerEvent) => void>();
  let current: InstancerEvent | undefined;
  let stopped = false;

  return {
    update(event) {
      if (stopped) return;
      let next: InstancerEvent;
      if (event.error === undefined) {
        const instances = [...new Set(event.instances)].sort();
        if (current?.instances !== undefined && sameList(current.instances, instances)) return;
        next = { instances };
      } else {
        next = { error: event.error };
      }
      current = next;
      for (const listener of [...listeners]) listener(next);
    },
    state: () => current,
    subscribe(listener) {
      const entry = (event: InstancerEvent): void => {
        listener(event);
      };
      listeners.add(entry);
      if (current !== undefined && !stopped) listener(current);
      return () => {
        listeners.delete(entry);
      };
    },
    stop() {
      if (stopped) return;
      stopped = true;
      listeners.clear();
      onStop?.();
    },
  };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
