import { Code, isCode, KitError } from "@kit/endpoint";
import type { HeaderCarrier } from "./carrier.ts";

/** The header that carries a {@link KitError}'s code on an error reply or a dead letter. */
export const errorCodeHeader = "kit-error-code";

/** The header that carries a {@link KitError}'s message on an error reply or a dead letter. */
export const errorMessageHeader = "kit-error-message";

/**
 * The header that tells how many attempts a message had, as decimal digits: on a dead letter,
 * and on a message a driver republishes for a retry (AMQP), where it becomes the next
 * delivery's `attempt`.
 */
export const attemptsHeader = "kit-attempts";

/**
 * The header on a dead letter whose body was cut because the broker refused the whole message
 * (larger than its limit, with the headers the runtime adds): the original body's length in
 * bytes, as decimal digits. The record's other headers say where the original was (Kafka:
 * `kit-topic`, `kit-partition`, `kit-offset`), so it can be fetched while it is retained.
 */
export const bodyTruncatedHeader = "kit-body-truncated";

/** Header values are cut here, so one verbose error cannot overflow a broker's header limit. */
const maxMessageLength = 1_024;

/**
 * Writes an error onto a message's headers as `kit-error-code` and `kit-error-message`: how
 * a subscriber answers a request that failed, and what it attaches to a dead letter. Line
 * breaks in the message become spaces (no broker allows them in a header) and a message over
 * 1 024 characters is cut short with `…`.
 *
 * @param carrier - the outgoing message's headers
 * @param err - the error to write
 *
 * @example
 * ```ts
 * const reply = new Map<string, string>();
 * writeError(reply, new KitError(Code.NotFound, "no such order"));
 * // kit-error-code: not_found, kit-error-message: no such order
 * ```
 */
export function writeError(carrier: HeaderCarrier, err: KitError): void {
  let message = err.message.replace(/[\r\n\0]+/g, " ");
  if (message.length > maxMessageLength) message = `${message.slice(0, maxMessageLength - 1)}…`;
  carrier.set(errorCodeHeader, err.code);
  carrier.set(errorMessageHeader, message);
}

/**
 * Reads the error {@link writeError} wrote: a {@link KitError} with the code and message
 * from the headers, or `undefined` when the message carries no `kit-error-code` (it is a
 * successful reply). A code this version does not know becomes `unknown`.
 *
 * @param carrier - the received message's headers
 *
 * @example
 * ```ts
 * const err = readError(reply.headers);
 * if (err !== undefined) throw err; // the subscriber's not_found, as a not_found
 * ```
 */
export function readError(carrier: HeaderCarrier): KitError | undefined {
  const code = carrier.get(errorCodeHeader);
  if (code === null || code === undefined || code === "") return undefined;
  return new KitError(isCode(code) ? code : Code.Unknown, carrier.get(errorMessageHeader) ?? "");
}
