import { httpStatusFromCode } from "@kit/transport";
import type { KitError } from "@kit/endpoint";

// An HTTP status that overrides the code's own for one error, as Go kit's StatusCoder does.
const ownStatus = Symbol("@kit/transport-http.status");

/**
 * Marks an error with the HTTP status to answer it with, whatever its code. Only this package
 * sets one (413 for a body over the limit, 415 for a body that is not JSON).
 *
 * @internal
 */
export function withStatus<E extends KitError>(err: E, status: number): E {
  Object.defineProperty(err, ownStatus, { value: status });
  return err;
}

/**
 * The HTTP status the server answers an error with, Go kit's `StatusCoder`: the transport's
 * own status where it set one (413 for a body over `maxBodyBytes`, 415 for a `content-type`
 * that is not JSON), else `httpStatusFromCode(err.code)` from `@kit/transport`. The default
 * {@link encodeError} writes it; use it in your own {@link ErrorEncoder} to answer with the
 * same statuses.
 *
 * @param err - the error the server is answering
 * @returns the status, such as 404 for `not_found` or 413 for a body over the limit
 *
 * @example
 * ```ts
 * const plainText: ErrorEncoder = (_ctx, err, res) => {
 *   res.writeHead(errorStatus(err), { "content-type": "text/plain; charset=utf-8" }).end(err.message);
 * };
 * ```
 */
export function errorStatus(err: KitError): number {
  const own = (err as unknown as Partial<Record<symbol, unknown>>)[ownStatus];
  return typeof own === "number" ? own : httpStatusFromCode(err.code);
}
