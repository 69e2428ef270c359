import { Code, isKitError, KitError, toKitError } from "@kit/endpoint";

/** What a caller reads for an error that was not a `KitError`, unless errors are exposed. */
const generic = "internal error";

/**
 * The error a server sends to its caller for a value its endpoint threw: Kit's one disclosure
 * rule, the same on every wire. A `KitError` is sent as it is (its code and message were meant
 * for the caller); an `AbortError` becomes `canceled` and a `TimeoutError` `deadline_exceeded`;
 * anything else is a fault of the server, sent as `internal` with the generic message
 * `internal error`, so that a database's or a library's text never reaches a caller. With
 * `expose` (a server's `exposeErrors: true` option) its text is sent instead, still as
 * `internal`. Either way the thrown value is the result's `cause`, which no transport sends,
 * and the transport gives the error handler the error with its real text.
 *
 * @param thrown - what the endpoint threw
 * @param expose - send a non-Kit error's own text instead of `internal error` (default `false`)
 *
 * @example
 * ```ts
 * publicError(new Error("connection to db-3 refused")); // internal: "internal error"
 * publicError(new Error("connection to db-3 refused"), true); // internal: "connection to db-3 refused"
 * publicError(new KitError(Code.NotFound, "no such order")); // the same not_found
 * ```
 */
export function publicError(thrown: unknown, expose = false): KitError {
  if (isKitError(thrown)) return thrown;
  if (thrown instanceof Error && (thrown.name === "AbortError" || thrown.name === "TimeoutError")) return toKitError(thrown);
  return new KitError(Code.Internal, expose ? toKitError(thrown).message : generic, { cause: thrown });
}
