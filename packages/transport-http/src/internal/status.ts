import { httpStatusFromCode } from "@kit/transport";
import type { KitError } from "@kit/endpoint";

// An HTTP status that overrides the code's own for one error, as Go kit's StatusCoder does.
// Only this package sets it (413 for a body over the limit, 415 for a body that is not
// JSON); the default error encoder and the finalizer's outcome read it.
const status = Symbol("@kit/transport-http.status");

export function withStatus<E extends KitError>(err: E, code: number): E {
  Object.defineProperty(err, status, { value: code });
  return err;
}

export function statusOf(err: KitError): number {
  const own = (err as unknown as Partial<Record<symbol, unknown>>)[status];
  return typeof own === "number" ? own : httpStatusFromCode(err.code);
}
