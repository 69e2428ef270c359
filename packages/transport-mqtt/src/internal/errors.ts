import { Code, isKitError, KitError } from "@kit/endpoint";

/**
 * MQTT 5 reason codes of failure (CONNACK, PUBACK, SUBACK, DISCONNECT; the numbering is shared)
 * and the Kit code each means to a caller: the one table the publisher, the requester and the
 * subscriber use, and the README shows.
 */
export const mqttReasonCodes: ReadonlyMap<number, Code> = new Map<number, Code>([
  [0x80, Code.Unknown], // unspecified error
  [0x81, Code.Internal], // malformed packet
  [0x82, Code.Internal], // protocol error
  [0x83, Code.Unknown], // implementation specific error
  [0x84, Code.FailedPrecondition], // unsupported protocol version
  [0x85, Code.InvalidArgument], // client identifier not valid
  [0x86, Code.Unauthenticated], // bad user name or password
  [0x87, Code.PermissionDenied], // not authorized
  [0x88, Code.Unavailable], // server unavailable
  [0x89, Code.Unavailable], // server busy
  [0x8a, Code.PermissionDenied], // banned
  [0x8b, Code.Unavailable], // server shutting down
  [0x8c, Code.Unauthenticated], // bad authentication method
  [0x8d, Code.Unavailable], // keep alive timeout
  [0x8e, Code.Aborted], // session taken over
  [0x8f, Code.InvalidArgument], // topic filter invalid
  [0x90, Code.InvalidArgument], // topic name invalid
  [0x91, Code.Internal], // packet identifier in use
  [0x92, Code.Internal], // packet identifier not found
  [0x93, Code.ResourceExhausted], // receive maximum exceeded
  [0x94, Code.Internal], // topic alias invalid
  [0x95, Code.ResourceExhausted], // packet too large
  [0x96, Code.ResourceExhausted], // message rate too high
  [0x97, Code.ResourceExhausted], // quota exceeded
  [0x98, Code.Aborted], // administrative action
  [0x99, Code.InvalidArgument], // payload format invalid
  [0x9a, Code.Unimplemented], // retain not supported
  [0x9b, Code.Unimplemented], // QoS not supported
  [0x9c, Code.Unavailable], // use another server
  [0x9d, Code.Unavailable], // server moved
  [0x9e, Code.Unimplemented], // shared subscriptions not supported
  [0x9f, Code.ResourceExhausted], // connection rate exceeded
  [0xa0, Code.DeadlineExceeded], // maximum connect time
  [0xa1, Code.Unimplemented], // subscription identifiers not supported
  [0xa2, Code.Unimplemented], // wildcard subscriptions not supported
]);

/** Socket and client failures that mean the broker could not be reached or the connection went away. */
const unreachable = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|connack timeout|Keepalive timeout|client disconnecting|Connection closed|connection closed/i;

/** The reason code an mqtt.js error carries (`ErrorWithReasonCode`, a SUBACK or CONNACK failure), if any. */
function reasonCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * An mqtt.js failure as the `KitError` a caller should see, its message saying what was being
 * done (`MQTT publish to orders: Publish error: Not authorized`): a reason code by
 * {@link mqttReasonCodes}, a socket or connection failure `unavailable`, a `KitError` as it is,
 * anything else `unknown`.
 *
 * @param err - what mqtt.js threw or emitted
 * @param what - what was being done, such as `publish to orders`
 */
export function fromMqttError(err: unknown, what: string): KitError {
  if (isKitError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const reason = reasonCodeOf(err);
  const errno = (err as { code?: unknown } | null)?.code;
  let code: Code = Code.Unknown;
  if (reason !== undefined) code = mqttReasonCodes.get(reason) ?? Code.Unknown;
  else if (unreachable.test(message) || (typeof errno === "string" && unreachable.test(errno))) code = Code.Unavailable;
  return new KitError(code, `MQTT ${what}: ${message}`, { cause: err });
}

/**
 * A reason code of failure (0x80 and above) as a `KitError`, for the codes mqtt.js hands back
 * without an error (a SUBACK's granted list).
 *
 * @param reason - the reason code
 * @param what - what was being done
 */
export function fromReasonCode(reason: number, what: string): KitError {
  return new KitError(mqttReasonCodes.get(reason) ?? Code.Unknown, `MQTT ${what}: reason code 0x${reason.toString(16)}`);
}
