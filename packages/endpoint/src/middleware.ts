import type { Endpoint } from "./endpoint.ts";

/**
 * Wraps an endpoint with a cross-cutting concern (logging, metrics, retry, auth…), Go kit's
 * `endpoint.Middleware`.
 */
export type Middleware<Req, Res> = (next: Endpoint<Req, Res>) => Endpoint<Req, Res>;

/**
 * Composes middlewares into one; `outer` runs first, then each of `others` in order, then
 * the endpoint, as in Go kit's `endpoint.Chain`.
 *
 * @example
 * ```ts
 * const wrapped = chain(logging, metrics, auth)(endpoint); // logging → metrics → auth → endpoint
 * ```
 */
export function chain<Req, Res>(outer: Middleware<Req, Res>, ...others: Middleware<Req, Res>[]): Middleware<Req, Res> {
  return (next) => outer(others.reduceRight((wrapped, middleware) => middleware(wrapped), next));
}
