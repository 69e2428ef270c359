import { Code, isKitError, KitError } from "@kit/endpoint";

/** AMQP reply codes (the `code` of an error amqplib raises when the broker closes a channel or connection) and their Kit codes. */
const replyCodes: ReadonlyMap<number, Code> = new Map<number, Code>([
  [311, Code.ResourceExhausted], // content-too-large
  [312, Code.Unavailable], // no-route
  [313, Code.Unavailable], // no-consumers
  [320, Code.Unavailable], // connection-forced: the broker is shutting down or an operator closed it
  [402, Code.InvalidArgument], // invalid-path (vhost)
  [403, Code.PermissionDenied], // access-refused
  [404, Code.NotFound], // not-found: no such queue or exchange
  [405, Code.FailedPrecondition], // resource-locked: an exclusive queue of another connection
  [406, Code.FailedPrecondition], // precondition-failed: declared with other arguments, unknown delivery tag
  [501, Code.Internal], // frame-error
  [502, Code.Internal], // syntax-error
  [503, Code.Internal], // command-invalid
  [504, Code.Internal], // channel-error
  [505, Code.Internal], // unexpected-frame
  [506, Code.ResourceExhausted], // resource-error: the broker is out of a resource
  [530, Code.PermissionDenied], // not-allowed
  [540, Code.Unimplemented], // not-implemented
  [541, Code.Internal], // internal-error
]);

/** Node's socket errors that mean the broker cannot be reached now. */
const unreachable = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * An amqplib error (or a socket error under it) as a {@link KitError}, by the table in the
 * README ("Errors"): a broker's reply code by its meaning (404 `not_found`, 403
 * `permission_denied`, 406 `failed_precondition`, 320 `unavailable`, ...), a socket that cannot
 * reach the broker or a closed channel or connection `unavailable`, a login the broker refused
 * `unauthenticated`, anything else `unknown`. A `KitError` is returned as it is.
 *
 * @param thrown - what amqplib threw or emitted
 * @param what - what was being done, to start the message with
 */
export function fromAmqpError(thrown: unknown, what: string): KitError {
  if (isKitError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const text = `${what}: ${message}`;
  return new KitError(codeOf(thrown, message), text, { cause: thrown });
}

function codeOf(thrown: unknown, message: string): Code {
  const code: unknown = typeof thrown === "object" && thrown !== null ? (thrown as { code?: unknown }).code : undefined;
  if (typeof code === "number") return replyCodes.get(code) ?? Code.Unknown;
  if (typeof code === "string" && unreachable.has(code)) return Code.Unavailable;
  if (/ACCESS.REFUSED|authentication|login was refused/i.test(message)) return Code.Unauthenticated;
  if (/closed|Unexpected close|Heartbeat timeout|Socket closed/i.test(message)) return Code.Unavailable;
  return Code.Unknown;
}
