// Retry across distinct instances: Go kit's lb.Retry over a round robin, with one change. A
// single round robin shared by every caller hands out the next endpoint to whoever asks, so
// under concurrency one call's retry can land on the very instance that just failed it. Here
// each call gets its own round robin over the instances, rotated to start where the shared
// counter says: calls still spread evenly, and one call's attempts go to different instances
// until it has tried them all.
import type { Endpoint } from "@kit/endpoint";
import { type EndpointSource, retry, roundRobin } from "@kit/sd";

/**
 * An endpoint that calls one of `source`'s endpoints and, on a retryable error, the next
 * ones, at most `max` attempts within `timeout` ms (`@kit/sd`'s `retry` over `roundRobin`).
 * Successive calls start at successive endpoints; within a call no endpoint is tried twice
 * before every other one has been.
 *
 * @param source - the endpoints, such as an `endpointer`
 * @param max - attempts per call
 * @param timeout - ms for all attempts of one call together
 *
 * @example
 * ```ts
 * const sum = spreadRetry(endpointer(instancer, factory), 3, 2_000);
 * await sum(ctx, { a: 1, b: 2 });
 * ```
 */
export function spreadRetry<Req, Res>(source: EndpointSource<Req, Res>, max: number, timeout: number): Endpoint<Req, Res> {
  let next = 0;
  return (ctx, request) => {
    const start = next;
    next = (next + 1) % Number.MAX_SAFE_INTEGER;
    const rotated: EndpointSource<Req, Res> = { endpoints: () => rotate(source.endpoints(), start) };
    return retry(max, timeout, roundRobin(rotated))(ctx, request);
  };
}

function rotate<T>(items: readonly T[], start: number): readonly T[] {
  if (items.length === 0) return items;
  const k = start % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
