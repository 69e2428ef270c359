import type { Balancer, EndpointSource } from "./balancer.ts";
import { at, available, pick, untried } from "./internal/pick.ts";

/**
 * A {@link Balancer} that picks an endpoint uniformly at random, Go kit's `lb.NewRandom`,
 * among those not to avoid (the ones a retry already tried) while there are any.
 *
 * @param source - the endpoints, usually an {@link endpointer}
 * @param rng - returns a number in `[0, 1)`; default `Math.random` (pass a seeded one in tests)
 *
 * @example
 * ```ts
 * const balancer = random(endpointer(instancer, factory));
 * ```
 */
export function random<Req, Res>(source: EndpointSource<Req, Res>, rng: () => number = Math.random): Balancer<Req, Res> {
  return {
    endpoint(avoid) {
      const endpoints = untried(available(source), avoid);
      return at(endpoints, pick(rng, endpoints.length));
    },
  };
}
