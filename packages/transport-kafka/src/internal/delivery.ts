import type { KafkaMessage } from "kafkajs";
import { timeoutHeader } from "@kit/transport/driver";
import { replyTopicHeader } from "../headers.ts";
import type { KafkaRecord } from "../record.ts";
import type { PartitionWork } from "./partition.ts";
import { RecordHeaders } from "./record-headers.ts";

/**
 * The whole number that `text` writes as 1 to `maxDigits` ASCII digits, or `undefined` for
 * anything else. A loop, since it runs twice a record: `Number` on a string of 13 digits (a
 * timestamp) is a call into the engine's runtime, and a regular expression costs more still.
 */
function digits(text: string, maxDigits: number): number | undefined {
  const { length } = text;
  if (length === 0 || length > maxDigits) return undefined;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48; // "0"
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Takes the record's time in the topic off its `kit-timeout`: the caller's budget was counted
 * from when it produced the record (its timestamp), so a record that waited out its deadline in
 * the topic arrives expired, and the runtime dead-letters it at once. `now` is read once for
 * all the records handed out together.
 */
function spendTimeInTopic(headers: RecordHeaders, timestamp: string, now: number): void {
  const timeout = headers.get(timeoutHeader);
  if (timeout === undefined) return;
  const ms = digits(timeout, 8);
  if (ms === undefined) return; // malformed: the runtime refuses it
  const queued = now - (digits(timestamp, 15) ?? now);
  if (!(queued > 0)) return; // no timestamp (or -1), or a producer clock ahead of ours
  headers.replace(timeoutHeader, String(Math.max(0, ms - queued)));
}

/** The body of a record without a value. */
const empty = Buffer.alloc(0);

/**
 * A record of a partition's batch handed to the runtime: the message it runs (a
 * {@link KafkaRecord}) and the batch and place it settles.
 */
export class Delivery implements KafkaRecord {
  readonly body: Buffer;
  readonly headers: RecordHeaders;
  /** Which delivery this is; above 1 after the record was given back and handed out again. */
  readonly attempt: number;
  readonly reply: string | undefined;
  /** A `kit-reply-topic` outside the subscriber's reply namespace: not answered, dead-lettered as `permission_denied`. */
  readonly refusedReply: string | undefined;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly timestamp: string;
  /** The partition's batch it belongs to. */
  readonly work: PartitionWork;
  /** Its place in the batch. */
  readonly index: number;
  /** The record as kafkajs decoded it. */
  readonly message: KafkaMessage;

  // eslint-disable-next-line max-params -- where the record is, which delivery, and the clock read for its hand-out
  constructor(work: PartitionWork, message: KafkaMessage, index: number, attempt: number, now: number) {
    this.work = work;
    this.attempt = attempt;
    this.message = message;
    this.index = index;
    this.body = message.value ?? empty;
    this.headers = new RecordHeaders(message.headers);
    spendTimeInTopic(this.headers, message.timestamp, now);
    const reply = this.headers.get(replyTopicHeader);
    const allowed = reply === undefined || reply === "" || work.replyAllowed(reply);
    this.reply = allowed && reply !== "" ? reply : undefined;
    this.refusedReply = allowed ? undefined : reply;
    this.topic = work.topic;
    this.partition = work.partition;
    this.offset = message.offset;
    this.key = message.key ?? null;
    this.timestamp = message.timestamp;
  }
}
