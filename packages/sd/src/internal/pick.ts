import { Code, type Endpoint, KitError } from "@kit/endpoint";
import type { EndpointSource } from "../balancer.ts";

/** The current endpoints, or a `KitError` `unavailable` when there are none. */
export function available<Req, Res>(source: EndpointSource<Req, Res>): readonly Endpoint<Req, Res>[] {
  const endpoints = source.endpoints();
  if (endpoints.length === 0) throw new KitError(Code.Unavailable, "no endpoints available");
  return endpoints;
}

/**
 * The endpoints not in `avoid`, or all of them when every one is in it (a retry that has tried
 * them all starts over rather than failing).
 */
export function untried<Req, Res>(
  endpoints: readonly Endpoint<Req, Res>[],
  avoid: ReadonlySet<Endpoint<Req, Res>> | undefined,
): readonly Endpoint<Req, Res>[] {
  if (avoid === undefined || avoid.size === 0) return endpoints;
  const left = endpoints.filter((endpoint) => !avoid.has(endpoint));
  return left.length === 0 ? endpoints : left;
}

/** An index in `[0, n)` from a number in `[0, 1)`, safe against a generator that returns 1. */
export function pick(rng: () => number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(rng() * n)));
}

/** The endpoint at `index`, which the caller has kept within bounds. */
export function at<Req, Res>(endpoints: readonly Endpoint<Req, Res>[], index: number): Endpoint<Req, Res> {
  const endpoint = endpoints[index];
  if (endpoint === undefined) throw new KitError(Code.Unavailable, "no endpoints available");
  return endpoint;
}
