import { Code, KitError, type Context } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import type { MessageDriver } from "@kit/transport/driver";
import type { EachBatchPayload, Producer } from "kafkajs";
import { correlationIdHeader, headersToKafka } from "../headers.ts";
import type { Delivery } from "./delivery.ts";
import { fromKafkaError } from "./errors.ts";
import { PartitionWork } from "./partition.ts";

export interface DriverOptions {
  readonly producer: () => Promise<Producer>;
  readonly deadLetterTopic: string;
  /** How often a batch that takes long commits what finished, in milliseconds. */
  readonly commitInterval: number;
  /** How many records of one partition run at once, never two of one key. */
  readonly keyConcurrency: number;
  /** How long a partition being given up waits for its running record, in milliseconds. */
  readonly revokeTimeout: number;
  /** Whether a record's `kit-reply-topic` may be answered (the subscriber's `replyNamespace`). */
  readonly replyAllowed: (topic: string) => boolean;
  readonly observe: (ctx: Context, err: KitError) => void;
  readonly background: Context;
}

const rebalancing = new Set(["REBALANCE_IN_PROGRESS", "NOT_COORDINATOR_FOR_GROUP", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID"]);

/** What `release` returns: it settles at once, so one promise serves every call. */
const settledAtOnce = Promise.resolve();

/** What `receive` hands out when nothing is free; never written to. */
const none: readonly Delivery[] = Object.freeze([]);

/** A `receive` that is waiting for a record. */
interface Pending {
  readonly max: number;
  readonly resolve: (got: readonly Delivery[]) => void;
}

/** How much of a record's body a dead letter keeps when the whole record is too large for the topic. */
const truncatedBodyBytes = 1_024;

const tooLarge = new Set(["MESSAGE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"]);

/** Whether kafkajs failed because the broker refused the record for its size (the error, or one it wraps). */
function isTooLarge(err: unknown): boolean {
  for (let e = err, depth = 0; typeof e === "object" && e !== null && depth < 5; depth++) {
    if (tooLarge.has(String((e as { type?: unknown }).type))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function isRebalancing(err: unknown): boolean {
  return typeof err === "object" && err !== null && rebalancing.has(String((err as { type?: unknown }).type));
}

/**
 * The Kafka side of the subscriber: kafkajs's `eachBatch` puts each partition's batch here;
 * the runtime's `receive` takes the next record of every partition that has none running, so
 * records of one partition run one after another while partitions run side by side; each
 * batch commits only the offset after the records that all finished.
 */
export class KafkaDriver implements MessageDriver<Delivery> {
  readonly retry = "in-place" as const;
  /** The batches being worked through, one per partition at most (kafkajs runs one batch of a partition at a time). */
  private readonly partitions: PartitionWork[] = [];
  /**
   * The partitions that may have a record to hand out, in the order they get their turn: one
   * joins at the end when its batch arrives or one of its records settles, and leaves when it
   * has none free, so a `receive` looks only where something changed.
   */
  private readonly runnable = new Set<PartitionWork>();
  private pending: Pending | undefined;
  /** Whether a hand-over to the waiting `receive` is queued. */
  private handing = false;
  /** The runtime's stop signal, listened to once rather than on every `receive`. */
  private signal: AbortSignal | undefined;
  private closing = false;
  private rebalance: unknown = undefined;
  private readonly options: DriverOptions;

  constructor(options: DriverOptions) {
    this.options = options;
  }

  // --- the runtime's side -------------------------------------------------------------------

  receive(max: number, signal: AbortSignal): Promise<readonly Delivery[]> {
    const now = this.take(max);
    if (now.length > 0 || signal.aborted) return Promise.resolve(now);
    this.listen(signal);
    return new Promise((resolve) => {
      this.pending = { max, resolve };
    });
  }

  /** Marks the record finished, to be committed with the ones before it: done when it returns. */
  ack(d: Delivery): undefined {
    d.work.finish(d);
    this.changed(d.work);
    return undefined;
  }

  release(d: Delivery): Promise<void> {
    d.work.giveBack(d);
    this.changed(d.work);
    return settledAtOnce;
  }

  /**
   * Produces the record to the dead-letter topic with the runtime's headers and where it came
   * from, then marks it finished. A record the broker refuses for its size (its copy plus these
   * headers is over `max.message.bytes`) fails with `resource_exhausted`, and the runtime calls
   * {@link KafkaDriver.deadLetterTruncated} next.
   */
  async deadLetter(d: Delivery, why: ReadonlyMap<string, string>): Promise<void> {
    await this.produceDeadLetter(d, why, d.message.value);
    d.work.finish(d);
    this.changed(d.work);
  }

  /** The fallback for a record too large to dead-letter as it is: the same, with its body cut to its first {@link truncatedBodyBytes} bytes. */
  async deadLetterTruncated(d: Delivery, why: ReadonlyMap<string, string>): Promise<void> {
    await this.produceDeadLetter(d, why, d.message.value?.subarray(0, truncatedBodyBytes) ?? null);
    d.work.finish(d);
    this.changed(d.work);
  }

  private async produceDeadLetter(d: Delivery, why: ReadonlyMap<string, string>, value: Buffer | null): Promise<void> {
    const headers = new Map(d.headers.toMap());
    for (const [name, v] of why) headers.set(name, v);
    headers.set("kit-topic", d.topic);
    headers.set("kit-partition", String(d.partition));
    headers.set("kit-offset", d.offset);
    const producer = await this.options.producer();
    try {
      await producer.send({
        topic: this.options.deadLetterTopic,
        acks: -1,
        messages: [{ key: d.key, value, headers: headersToKafka(headers), timestamp: d.timestamp }],
      });
    } catch (thrown) {
      if (!isTooLarge(thrown)) throw thrown;
      throw new KitError(Code.ResourceExhausted, `the record is too large for the dead-letter topic ${this.options.deadLetterTopic}`, { cause: thrown });
    }
  }

  async reply(d: Delivery, reply: OutgoingMessage): Promise<void> {
    if (d.reply === undefined) return;
    const correlation = d.headers.get(correlationIdHeader);
    if (correlation !== undefined) reply.headers.set(correlationIdHeader, correlation);
    const producer = await this.options.producer();
    try {
      await producer.send({
        topic: d.reply,
        acks: -1,
        messages: [{ key: correlation ?? null, value: Buffer.from(reply.body), headers: headersToKafka(reply.headers) }],
      });
    } catch (thrown) {
      throw fromKafkaError(thrown, `reply to topic ${d.reply}`);
    }
  }

  // --- kafkajs's side -----------------------------------------------------------------------

  /** Stops handing out records; the batches finish what runs, commit and return. */
  close(): void {
    this.closing = true;
    for (const work of this.partitions) {
      work.stopped = true;
      work.changed();
    }
  }

  /** The group was joined again: a rebalance is over. */
  joined(): void {
    this.rebalance = undefined;
  }

  /** kafkajs's `eachBatch`: runs one partition's batch through the runtime and commits as it goes. */
  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    this.throwIfRebalancing();
    if (this.closing || batch.messages.length === 0) return;
    const { keyConcurrency, replyAllowed } = this.options;
    const work = new PartitionWork(batch.topic, batch.partition, batch.messages, { keyConcurrency, replyAllowed });
    this.partitions.push(work);
    this.changed(work);
    let committed: string | undefined;
    let resolved: string | undefined;
    let lastCommit = Date.now();
    let stoppedAt: number | undefined;
    const commit = async (): Promise<void> => {
      const offset = work.commitOffset();
      if (offset === undefined || offset === committed) return;
      try {
        await payload.commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }] });
        committed = offset;
      } catch (thrown) {
        this.options.observe(this.options.background, fromKafkaError(thrown, `commit ${batch.topic}/${String(batch.partition)}`));
      }
      lastCommit = Date.now();
    };
    try {
      for (;;) {
        const last = work.lastDoneOffset();
        if (last !== undefined && last !== resolved) {
          payload.resolveOffset(last);
          resolved = last;
        }
        if (work.finished) break;
        if (!work.stopped && (this.givingUp() || !payload.isRunning() || payload.isStale())) {
          work.stopped = true;
        }
        if (work.stopped) {
          stoppedAt ??= Date.now();
          if (work.running === 0) break;
          if (Date.now() - stoppedAt > this.options.revokeTimeout) {
            this.options.observe(
              this.options.background,
              new KitError(Code.Aborted, `partition ${batch.topic}/${batch.partition} given up while a record still ran (revokeTimeout ${this.options.revokeTimeout} ms); it will be delivered again`),
            );
            break;
          }
        }
        if (!this.isClosing()) {
          try {
            await payload.heartbeat();
          } catch (thrown) {
            if (isRebalancing(thrown)) this.startRebalance(thrown);
            else this.options.observe(this.options.background, fromKafkaError(thrown, `heartbeat of ${batch.topic}/${String(batch.partition)}`));
          }
        }
        if (Date.now() - lastCommit >= this.options.commitInterval) await commit();
        await work.changes(500);
      }
    } finally {
      this.partitions.splice(this.partitions.indexOf(work), 1);
      this.runnable.delete(work);
    }
    // a finished batch commits before the next fetch; a partition given up commits before kafkajs lets it go
    await commit();
    this.throwIfRebalancing();
  };


  /** A rebalance began: the batch rethrows its error, so kafkajs joins the group again. */
  private throwIfRebalancing(): void {
    if (this.rebalance !== undefined) throw this.rebalance as Error;
  }

  private isClosing(): boolean {
    return this.closing;
  }

  /** Whether every partition is being given up (close or rebalance). */
  private givingUp(): boolean {
    return this.closing || this.rebalance !== undefined;
  }

  private startRebalance(err: unknown): void {
    if (this.rebalance !== undefined) return;
    this.rebalance = err;
    for (const work of this.partitions) {
      work.stopped = true;
      work.changed();
    }
  }

  /** Resolves a waiting `receive` with nothing once the runtime stops. */
  private readonly onStop = (): void => {
    const waiting = this.pending;
    this.pending = undefined;
    waiting?.resolve(none);
  };

  private listen(signal: AbortSignal): void {
    if (this.signal === signal) return;
    this.signal?.removeEventListener("abort", this.onStop);
    this.signal = signal;
    signal.addEventListener("abort", this.onStop, { once: true });
  }

  /**
   * A partition's records changed: it may have one to hand out. A waiting `receive` gets it at
   * the end of the current microtask queue, with whatever other partitions freed meanwhile, so
   * the runtime starts several records per `receive` rather than one.
   */
  private changed(work: PartitionWork): void {
    if (work.stopped) return; // it hands out nothing more, and its batch may be over
    this.runnable.add(work);
    if (this.pending === undefined || this.handing) return;
    this.handing = true;
    queueMicrotask(this.handOver);
  }

  /** Resolves a waiting `receive` with what is free, if anything is. */
  private readonly handOver = (): void => {
    this.handing = false;
    const waiting = this.pending;
    if (waiting === undefined) return;
    const got = this.take(waiting.max);
    if (got.length === 0) return;
    this.pending = undefined;
    waiting.resolve(got);
  };

  /**
   * Up to `max` records, taking turns between the partitions: one that handed out a record and
   * may hand out more goes to the back.
   */
  private take(max: number): readonly Delivery[] {
    let out: Delivery[] | undefined;
    for (const work of this.runnable) {
      if ((out?.length ?? 0) >= max) break;
      this.runnable.delete(work);
      const entry = work.take();
      if (entry === undefined) continue; // nothing free until one of its records settles
      (out ??= []).push(entry);
      if (work.mayTake()) this.runnable.add(work);
    }
    return out ?? none;
  }
}
