/**
 * Circuit breaker middleware for Kit endpoints, Go kit's `circuitbreaker`: adapters for
 * `opossum` (`@kit/circuitbreaker/opossum`) and `cockatiel` (`@kit/circuitbreaker/cockatiel`),
 * each an optional peer behind its own subpath. This entry point holds what they share: the
 * {@link BreakerOptions}, the {@link onlyRetryable} and {@link everyError} predicates, and
 * {@link circuitOpen}, the `unavailable` error thrown when an open circuit fails fast.
 *
 * @packageDocumentation
 */
export { circuitOpen, everyError, onlyRetryable, type BreakerOptions, type CountsAsFailure } from "./breaker.ts";
