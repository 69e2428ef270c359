import { Code, isKitError, KitError } from "@kit/endpoint";

/**
 * The error a request/reply call fails with when its reply decoder threw: `internal`, the
 * server's fault, not the `invalid_argument` a decoder such as `decodeJSONMessage` throws
 * (which would blame the caller, and which retry middleware and circuit breakers treat as the
 * caller's). Other `KitError` codes pass through as they are; anything else thrown is
 * `internal` too.
 *
 * @param thrown - what the decoder threw
 * @param prefix - names the requester at the start of the message (`"svc.sum: "`), or `""`
 */
export function malformedReply(thrown: unknown, prefix: string): KitError {
  if (isKitError(thrown) && thrown.code !== Code.InvalidArgument) return thrown;
  const why = thrown instanceof Error ? thrown.message : String(thrown);
  return new KitError(Code.Internal, `${prefix}malformed reply: ${why}`, {
    ...(isKitError(thrown) && thrown.details !== undefined ? { details: thrown.details } : {}),
    cause: thrown,
  });
}
