import { Code, isKitError, KitError } from "@kit/endpoint";

/**
 * A NATS client error as a {@link KitError}, so a caller's retry and circuit-breaker middleware
 * can read its code: no responders and a lost connection are `unavailable`, a request timeout is
 * `deadline_exceeded`, a permission violation is `permission_denied`, a bad subject is
 * `invalid_argument`. Errors are told apart by `name` (two copies of the NATS client may be
 * installed, so `instanceof` is not enough).
 */
export function fromNatsError(err: unknown, subject: string): KitError {
  if (isKitError(err)) return err;
  if (!(err instanceof Error)) return new KitError(Code.Unknown, `NATS ${subject}: ${String(err)}`, { cause: err });
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const name = cause?.name === "NoResponders" ? "NoResponders" : err.name;
  const message = `NATS ${subject}: ${cause?.message ?? err.message}`;
  switch (name) {
    case "NoResponders":
    case "ClosedConnectionError":
    case "DrainingConnectionError":
    case "ConnectionError":
    case "RequestError":
      return new KitError(Code.Unavailable, message, { cause: err });
    case "TimeoutError":
      return new KitError(Code.DeadlineExceeded, message, { cause: err });
    case "PermissionViolationError":
    case "AuthorizationError":
      return new KitError(Code.PermissionDenied, message, { cause: err });
    case "InvalidSubjectError":
    case "InvalidArgumentError":
      return new KitError(Code.InvalidArgument, message, { cause: err });
    default:
      return new KitError(Code.Unknown, message, { cause: err });
  }
}
