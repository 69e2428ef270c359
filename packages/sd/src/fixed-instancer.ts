import { instanceCache } from "./instance-cache.ts";
import type { Instancer } from "./instancer.ts";

/**
 * An {@link Instancer} that never changes: every subscriber gets `instances` at once, Go
 * kit's `sd.FixedInstancer`. For static configuration and tests.
 *
 * @example
 * ```ts
 * const instances = fixedInstancer(["10.0.0.1:8080", "10.0.0.2:8080"]);
 * const endpoints = endpointer(instances, factory);
 * ```
 */
export function fixedInstancer(instances: readonly string[]): Instancer {
  const cache = instanceCache();
  cache.update({ instances });
  return { subscribe: (listener) => cache.subscribe(listener), stop: () => { cache.stop(); } };
}
