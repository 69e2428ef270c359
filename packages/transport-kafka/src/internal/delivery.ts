import type { KafkaMessage } from "kafkajs";
import { timeoutHeader } from "@kit/transport/driver";
import { replyTopicHeader } from "../headers.ts";
import type { KafkaRecord } from "../record.ts";
import type { PartitionWork } from "./partition.ts";
import { RecordHeaders } from "./record-headers.ts";

/**
 * Takes the record's time in the topic off its `kit-timeout`: the caller's budget was counted
 * from when it produced the record (its timestamp), so a record that waited out its deadline in
 * the topic arrives expired, and the runtime dead-letters it at once.
 */
function spendTimeInTopic(headers: RecordHeaders, timestamp: string): void {
  const timeout = headers.get(timeoutHeader);
  if (timeout === undefined || !/^\d{1,8}$/.test(timeout)) return; // none, or malformed: the runtime refuses that one
  const queued = Date.now() - Number(timestamp);
  if (!(queued > 0)) return; // no timestamp, or a producer clock ahead of ours
  headers.replace(timeoutHeader, String(Math.max(0, Number(timeout) - queued)));
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

  constructor(work: PartitionWork, message: KafkaMessage, index: number, attempt: number) {
    this.work = work;
    this.attempt = attempt;
    this.message = message;
    this.index = index;
    this.body = message.value ?? empty;
    this.headers = new RecordHeaders(message.headers);
    spendTimeInTopic(this.headers, message.timestamp);
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
