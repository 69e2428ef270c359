// Go kit's stringsvc3 proxyingMiddleware: uppercase goes to other instances, each behind its own
// circuit breaker and rate limiter, balanced round robin and retried; count stays local.
import { cockatielBreaker } from "@kit/circuitbreaker/cockatiel";
import { chain, Code, type Endpoint, KitError } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { erroringLimiter, tokenBucket } from "@kit/ratelimit";
import { endpointer, type Factory, fixedInstancer, retry, roundRobin } from "@kit/sd";
import { circuitBreaker, ConsecutiveBreaker, handleAll } from "cockatiel";
import type { UppercaseRequest, UppercaseResponse } from "./endpoints.ts";
import { uppercaseProxy } from "./http.ts";
import { ErrEmpty, type ServiceMiddleware } from "./service.ts";

/** Go kit's settings: 100 requests per second to each instance, 3 attempts within 250 ms. */
export const proxySettings = { qps: 100, maxAttempts: 3, maxTime: 250 } as const;

/**
 * Per instance, Go kit's `factory`: the HTTP client, inside a breaker that opens after more
 * than 5 consecutive failures and half-opens after 60 s (gobreaker's defaults), inside a rate
 * limiter that refuses what is over `qps` with `resource_exhausted`.
 */
const factory: Factory<UppercaseRequest, UppercaseResponse> = (instance) => {
  const breaker = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(6) });
  const limiter = tokenBucket({ rate: proxySettings.qps, burst: proxySettings.qps });
  return {
    endpoint: chain(
      erroringLimiter<UppercaseRequest, UppercaseResponse>(limiter),
      cockatielBreaker<UppercaseRequest, UppercaseResponse>(breaker),
    )(uppercaseProxy(instance)),
  };
};

/** Options of {@link proxyingMiddleware}. */
export interface ProxyOptions {
  /** The time for all attempts of one call, in milliseconds; default Go kit's 250. */
  readonly maxTime?: number;
}

/**
 * The proxying middleware, Go kit's `proxyingMiddleware`: with no instances it changes nothing
 * and logs `proxy_to=none`; otherwise uppercase calls go to the instances in turn (round
 * robin), each attempt on another instance, at most 3 within 250 ms. An answer whose `err` is
 * set (`empty string`) is the other instance's verdict: it fails as `invalid_argument`, which
 * is not retried.
 *
 * @param instances - `host:port` or URLs of other stringsvc instances
 * @param logger - where `proxy_to` is logged
 * @param options - the time budget of a call
 *
 * @example
 * ```ts
 * const svc = proxyingMiddleware(["127.0.0.1:8081", "127.0.0.1:8082"], logger)(stringService());
 * ```
 */
export function proxyingMiddleware(instances: readonly string[], logger: Logger, options: ProxyOptions = {}): ServiceMiddleware {
  if (instances.length === 0) {
    logger.log("proxy_to", "none");
    return (next) => next;
  }
  logger.log("proxy_to", `[${instances.join(" ")}]`);
  const endpoints = endpointer(fixedInstancer(instances), factory);
  const uppercase: Endpoint<UppercaseRequest, UppercaseResponse> = retry(
    proxySettings.maxAttempts,
    options.maxTime ?? proxySettings.maxTime,
    roundRobin(endpoints),
  );
  return (next) => ({
    async uppercase(ctx, s) {
      const response = await uppercase(ctx, { s });
      if (response.err !== undefined && response.err !== "") {
        throw new KitError(response.err === ErrEmpty ? Code.InvalidArgument : Code.Unknown, response.err);
      }
      return response.v;
    },
    count: (ctx, s) => next.count(ctx, s),
  });
}
