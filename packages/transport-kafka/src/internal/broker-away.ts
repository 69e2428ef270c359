import { Code } from "@kit/endpoint";
import { kafkaErrorCode } from "./errors.ts";

/** kafkajs's errors that mean no broker answered: it is away (restarting, unreachable) or has no leader for the partition yet. */
const awayNames: ReadonlySet<string> = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSMetadataNotLoaded",
  "KafkaJSLockTimeout",
]);

/** What kafkajs puts on the errors it throws. */
interface KafkaJSError {
  readonly name?: unknown;
  readonly retriable?: unknown;
  readonly cause?: unknown;
}

/**
 * Whether a failed send failed because the broker is away, so the same send may succeed once it
 * is back: `thrown` or one of its causes (kafkajs wraps the last error of its retries) is a
 * connection, request-timeout or broker-lookup error, or a protocol error Kafka calls retriable
 * and the package's table does not name (`LEADER_NOT_AVAILABLE`, `NOT_LEADER_OR_FOLLOWER`…; not
 * `UNKNOWN_TOPIC_OR_PARTITION`). A producer that is not connected, a record the broker refuses
 * and anything that is not kafkajs's are not.
 */
export function brokerAway(thrown: unknown): boolean {
  const seen = new Set<unknown>();
  for (let err = thrown; typeof err === "object" && err !== null && !seen.has(err); err = (err as KafkaJSError).cause) {
    seen.add(err);
    const { name, retriable } = err as KafkaJSError;
    if (typeof name !== "string") return false;
    if (awayNames.has(name)) return true;
    if (name === "KafkaJSProtocolError") return retriable === true && kafkaErrorCode(err) === Code.Unavailable;
  }
  return false;
}
