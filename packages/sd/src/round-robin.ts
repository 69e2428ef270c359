import type { Balancer, EndpointSource } from "./balancer.ts";
import { at, available } from "./internal/pick.ts";

/**
 * A {@link Balancer} that takes the endpoints in turn, Go kit's `lb.NewRoundRobin`: the first
 * call gets the first endpoint, the next the second, and so on, wrapping around. When the set
 * changes, the turn carries on from the same position. When the turn falls on an endpoint to
 * avoid (one a retry already tried), the next one after it that is not is taken instead, so
 * a retry never lands back on the instance that just failed, however many calls share the
 * balancer.
 *
 * @example
 * ```ts
 * const balancer = roundRobin(endpointer(instancer, factory));
 * const sum = retry(3, 2_000, balancer);
 * ```
 */
export function roundRobin<Req, Res>(source: EndpointSource<Req, Res>): Balancer<Req, Res> {
  let counter = 0;
  return {
    endpoint(avoid) {
      const endpoints = available(source);
      const index = counter % endpoints.length;
      counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
      if (avoid !== undefined && avoid.size > 0) {
        for (let step = 0; step < endpoints.length; step++) {
          const candidate = at(endpoints, (index + step) % endpoints.length);
          if (!avoid.has(candidate)) return candidate;
        }
      }
      return at(endpoints, index);
    },
  };
}
