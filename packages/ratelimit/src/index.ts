/**
 * Rate limiting middleware for Kit endpoints, Go kit's `ratelimit`: {@link erroringLimiter}
 * refuses requests over the limit with `resource_exhausted`, {@link delayingLimiter} makes
 * them wait for a token within their deadline, and {@link tokenBucket} is the in-process limit
 * behind both. `@kit/ratelimit/redis` shares one limit among many processes.
 *
 * @packageDocumentation
 */
export { delayingLimiter } from "./delaying-limiter.ts";
export { erroringLimiter } from "./erroring-limiter.ts";
export type { Allower, Waiter } from "./limiter.ts";
export { tokenBucket, type TokenBucket, type TokenBucketOptions } from "./token-bucket.ts";
