import type { Endpoint } from "@kit/endpoint";
import type { Balancer, EndpointSource } from "./balancer.ts";
import { at, available, pick } from "./internal/pick.ts";

interface Tracked<Req, Res> {
  inFlight: number;
  readonly endpoint: Endpoint<Req, Res>;
}

/**
 * A {@link Balancer} that picks two different endpoints at random and returns the one with
 * fewer requests in flight (the first of the two on a tie): "the power of two choices",
 * which Go kit does not have. It spreads load nearly as well as always picking the least
 * loaded, without its herding, and steers away from a slow instance.
 *
 * It counts only the calls made through the endpoints it returns (from the call until its
 * promise settles), so share one balancer between all callers of a service. It draws only
 * among the endpoints not to avoid (the ones a retry already tried) while there are any.
 *
 * @param source - the endpoints, usually an {@link endpointer}
 * @param rng - returns a number in `[0, 1)`; default `Math.random` (pass a seeded one in tests)
 *
 * @example
 * ```ts
 * const sum = retry(3, 2_000, powerOfTwoChoices(endpointer(instancer, factory)));
 * ```
 */
export function powerOfTwoChoices<Req, Res>(
  source: EndpointSource<Req, Res>,
  rng: () => number = Math.random,
): Balancer<Req, Res> {
  // Keyed by the endpointer's endpoint, so the count lives as long as its instance.
  const tracked = new WeakMap<Endpoint<Req, Res>, Tracked<Req, Res>>();
  const track = (next: Endpoint<Req, Res>): Tracked<Req, Res> => {
    let entry = tracked.get(next);
    if (entry === undefined) {
      const state: Tracked<Req, Res> = {
        inFlight: 0,
        endpoint: async (ctx, request) => {
          state.inFlight++;
          try {
            return await next(ctx, request);
          } finally {
            state.inFlight--;
          }
        },
      };
      entry = state;
      tracked.set(next, entry);
    }
    return entry;
  };

  return {
    endpoint(avoid) {
      const all = available(source);
      const endpoints = avoid === undefined || avoid.size === 0 ? all : all.filter((e) => !avoid.has(track(e).endpoint));
      if (endpoints.length === 0) return track(at(all, pick(rng, all.length))).endpoint;
      const n = endpoints.length;
      const i = pick(rng, n);
      const first = track(at(endpoints, i));
      if (n === 1) return first.endpoint;
      // A second index drawn from the other n - 1, so the two always differ.
      const j = (i + 1 + pick(rng, n - 1)) % n;
      const second = track(at(endpoints, j));
      return second.inFlight < first.inFlight ? second.endpoint : first.endpoint;
    },
  };
}
