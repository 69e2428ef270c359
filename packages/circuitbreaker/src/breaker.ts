import { Code, isRetryable, KitError } from "@kit/endpoint";

/**
 * Decides whether an error from the endpoint counts towards opening the circuit. The error
 * is always passed on to the caller unchanged; this only decides what the breaker records.
 *
 * @example
 * ```ts
 * const notBusiness: CountsAsFailure = (err) => err.code !== Code.NotFound;
 * ```
 */
export type CountsAsFailure = (err: KitError) => boolean;

/** Options shared by every adapter (`@kit/circuitbreaker/opossum`, `@kit/circuitbreaker/cockatiel`). */
export interface BreakerOptions {
  /**
   * Whether an error counts as a failure of the endpoint. Thrown values that are not a
   * `KitError` are seen through `toKitError` (so they arrive as `unknown`). Default:
   * {@link everyError}, as in Go kit and both libraries. Pass {@link onlyRetryable} so that
   * business errors (`not_found`, `invalid_argument`…) don't open the circuit.
   */
  readonly countsAsFailure?: CountsAsFailure;
}

/**
 * Every error counts as a failure: the default, as in Go kit's breakers.
 *
 * @example
 * ```ts
 * opossumBreaker({ countsAsFailure: everyError }); // same as leaving it out
 * ```
 */
export const everyError: CountsAsFailure = () => true;

/**
 * Only errors with a retryable code (`unavailable`, `deadline_exceeded`,
 * `resource_exhausted`, `aborted`: see `isRetryable` in `@kit/endpoint`) count as failures;
 * business errors such as `not_found` pass through without counting. Note that `unknown`
 * and `internal` do not count either: wrap transport errors in a retryable `KitError`, or
 * write your own predicate.
 *
 * @example
 * ```ts
 * const mw = cockatielBreaker(policy, { countsAsFailure: onlyRetryable });
 * ```
 */
export const onlyRetryable: CountsAsFailure = (err) => isRetryable(err.code);

/**
 * The error an adapter throws when the circuit is open and the endpoint was not called:
 * a `KitError` with code `unavailable` and message `"circuit open"`, whose `cause` is the
 * library's own error.
 *
 * @example
 * ```ts
 * throw circuitOpen(libraryError); // KitError { code: "unavailable", message: "circuit open" }
 * ```
 */
export function circuitOpen(cause: unknown): KitError {
  return new KitError(Code.Unavailable, "circuit open", { cause });
}
