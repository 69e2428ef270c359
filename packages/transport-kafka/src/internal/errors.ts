import { Code, isKitError, KitError } from "@kit/endpoint";

/**
 * Kafka's protocol errors (a kafkajs `KafkaJSProtocolError`'s `type`) and the Kit code each means
 * to a caller, where it is not simply "try again": the one table the publisher, the requester and
 * the subscriber use, and the README shows. Errors kafkajs marks `retriable` and not listed here
 * are `unavailable` (see {@link kafkaErrorCode}).
 */
const protocolCodes: ReadonlyMap<string, Code> = new Map<string, Code>(
  Object.entries({
    UNKNOWN_TOPIC_OR_PARTITION: Code.NotFound,
    GROUP_ID_NOT_FOUND: Code.NotFound,
    TOPIC_AUTHORIZATION_FAILED: Code.PermissionDenied,
    GROUP_AUTHORIZATION_FAILED: Code.PermissionDenied,
    CLUSTER_AUTHORIZATION_FAILED: Code.PermissionDenied,
    TRANSACTIONAL_ID_AUTHORIZATION_FAILED: Code.PermissionDenied,
    DELEGATION_TOKEN_AUTHORIZATION_FAILED: Code.PermissionDenied,
    SASL_AUTHENTICATION_FAILED: Code.Unauthenticated,
    UNSUPPORTED_SASL_MECHANISM: Code.Unauthenticated,
    ILLEGAL_SASL_STATE: Code.Unauthenticated,
    THROTTLING_QUOTA_EXCEEDED: Code.ResourceExhausted,
    GROUP_MAX_SIZE_REACHED: Code.ResourceExhausted,
    // a record the broker will never take as it is
    MESSAGE_TOO_LARGE: Code.InvalidArgument,
    RECORD_LIST_TOO_LARGE: Code.InvalidArgument,
    INVALID_RECORD: Code.InvalidArgument,
    INVALID_TIMESTAMP: Code.InvalidArgument,
    INVALID_TOPIC_EXCEPTION: Code.InvalidArgument,
    INVALID_REQUIRED_ACKS: Code.InvalidArgument,
    INVALID_PARTITIONS: Code.InvalidArgument,
    INVALID_REPLICATION_FACTOR: Code.InvalidArgument,
    INVALID_CONFIG: Code.InvalidArgument,
    INVALID_GROUP_ID: Code.InvalidArgument,
    INVALID_SESSION_TIMEOUT: Code.InvalidArgument,
    INVALID_REQUEST: Code.InvalidArgument,
    UNSUPPORTED_COMPRESSION_TYPE: Code.InvalidArgument,
    TOPIC_ALREADY_EXISTS: Code.AlreadyExists,
    POLICY_VIOLATION: Code.FailedPrecondition,
    TOPIC_DELETION_DISABLED: Code.FailedPrecondition,
    UNSUPPORTED_VERSION: Code.Unimplemented,
    UNSUPPORTED_FOR_MESSAGE_FORMAT: Code.Unimplemented,
    SECURITY_DISABLED: Code.Unimplemented,
    // the consumer's group moved on: the work is given up and done again (a rebalance)
    REBALANCE_IN_PROGRESS: Code.Aborted,
    ILLEGAL_GENERATION: Code.Aborted,
    UNKNOWN_MEMBER_ID: Code.Aborted,
    FENCED_INSTANCE_ID: Code.Aborted,
    OFFSET_OUT_OF_RANGE: Code.OutOfRange,
    CORRUPT_MESSAGE: Code.DataLoss,
  }),
);

/** kafkajs's own errors (by `name`) that are not about the broker being away. */
const nameCodes: ReadonlyMap<string, Code> = new Map<string, Code>(
  Object.entries({
    KafkaJSSASLAuthenticationError: Code.Unauthenticated,
    KafkaJSServerDoesNotSupportApiKey: Code.Unimplemented,
    KafkaJSNotImplemented: Code.Unimplemented,
    KafkaJSInvalidVarIntError: Code.DataLoss,
    KafkaJSInvalidLongError: Code.DataLoss,
    KafkaJSUnsupportedMagicByteInMessageSet: Code.DataLoss,
    KafkaJSInvariantViolation: Code.Internal,
  }),
);

/** What kafkajs puts on the errors it throws. */
interface KafkaJSError {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
}

/**
 * The Kit code of a kafkajs failure: a protocol error by its `type` in the table; the error a
 * retried call ends with (`KafkaJSNumberOfRetriesExceeded`) by its cause; one of kafkajs's own
 * by name; any other kafkajs error, which is about the broker being away or busy (connections,
 * request timeouts, no leader, brokers not found, retriable protocol errors), `unavailable`;
 * anything that is not kafkajs's `unknown`.
 */
export function kafkaErrorCode(thrown: unknown): Code {
  if (typeof thrown !== "object" || thrown === null) return Code.Unknown;
  const err = thrown as KafkaJSError;
  const byType = typeof err.type === "string" ? protocolCodes.get(err.type) : undefined;
  if (byType !== undefined) return byType;
  if (err.name === "KafkaJSNumberOfRetriesExceeded" && err.cause !== undefined && err.cause !== thrown) return kafkaErrorCode(err.cause);
  const byName = typeof err.name === "string" ? nameCodes.get(err.name) : undefined;
  if (byName !== undefined) return byName;
  if (typeof err.name === "string" && err.name.startsWith("KafkaJS")) return Code.Unavailable;
  return Code.Unknown;
}

/**
 * A kafkajs failure as a `KitError` with the code {@link kafkaErrorCode} gives, saying what was
 * being done: `Kafka <what>: <kafkajs's message>`. A `KitError` is returned as it is.
 *
 * @param thrown - what kafkajs threw
 * @param what - the call and its topic, such as `produce to topic orders`
 */
export function fromKafkaError(thrown: unknown, what: string): KitError {
  if (isKitError(thrown)) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new KitError(kafkaErrorCode(thrown), `Kafka ${what}: ${message}`, { cause: thrown });
}
