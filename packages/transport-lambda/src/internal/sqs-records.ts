import type { HeaderCarrier, Message } from "@kit/transport";
import { timeoutHeader } from "@kit/transport/driver";
import { isObject, malformed, optionalObject, requiredString, type Fields } from "./fields.ts";

/** A record of an SQS event as the subscriber runtime sees it: a {@link Message}, with the record it came from. */
export interface RecordMessage extends Message {
  /** The record's `messageId`, what `batchItemFailures` names. */
  readonly id: string;
  /** The FIFO message group, `undefined` on a standard queue. */
  readonly group: string | undefined;
  /** The record as Lambda delivered it. */
  readonly record: Fields;
}

/**
 * Reads an SQS event's records into messages, in order. An event that is not an SQS event (no
 * `Records` array, a record without a string `messageId` or `body`) is refused with an
 * `invalid_argument` `KitError` naming the field.
 *
 * @param event - the event
 * @param deadline - the invocation's deadline (epoch ms), which caps each message's `kit-timeout`
 */
export function parseRecords(event: unknown, deadline: number | undefined): RecordMessage[] {
  if (!isObject(event)) throw malformed("event", "an object (an SQS event)");
  const records = event.Records;
  if (!Array.isArray(records)) throw malformed("Records", "an array (an SQS event)");
  return records.map((record: unknown, i) => {
    const field = `Records[${String(i)}]`;
    if (!isObject(record)) throw malformed(field, "an object");
    const attributes = optionalObject(record, "attributes", `${field}.attributes`) ?? {};
    const count = Number(attributes.ApproximateReceiveCount);
    const group = attributes.MessageGroupId;
    return {
      id: requiredString(record, "messageId", `${field}.messageId`),
      body: Buffer.from(requiredString(record, "body", `${field}.body`), "utf8"),
      headers: recordHeaders(optionalObject(record, "messageAttributes", `${field}.messageAttributes`) ?? {}, deadline),
      attempt: Number.isInteger(count) && count >= 1 ? count : 1,
      group: typeof group === "string" ? group : undefined,
      record,
    };
  });
}

/**
 * The record's message attributes as headers (lower-case names, the string value of String and
 * Number attributes). `kit-timeout` is the sooner of the sender's and the time the invocation
 * has left, read when the message starts; a malformed sender's value is kept, so the runtime
 * dead-letters the message as it does on every transport.
 */
function recordHeaders(attributes: Fields, deadline: number | undefined): HeaderCarrier {
  const headers = new Map<string, string>();
  for (const [name, attribute] of Object.entries(attributes)) {
    const value = isObject(attribute) ? attribute.stringValue : undefined;
    if (typeof value === "string") headers.set(name.toLowerCase(), value);
  }
  return {
    get: (name) => {
      const own = headers.get(name);
      if (name !== timeoutHeader || deadline === undefined) return own;
      const left = String(Math.min(99_999_999, Math.max(0, Math.floor(deadline - Date.now()))));
      if (own === undefined || !/^\d{1,8}$/.test(own)) return own ?? left;
      return Number(own) < Number(left) ? own : left;
    },
    set: (name, value) => {
      headers.set(name, value);
    },
  };
}
