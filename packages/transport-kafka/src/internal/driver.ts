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
  /**
   * Whether a partition's batch returns to kafkajs once its records are all handed out, so the
   * next batch is fetched while they run (`fetchAhead`); otherwise once they all finished.
   */
  readonly fetchAhead?: boolean;
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

/** The key of a partition in the driver's maps. */
function partitionKey(topic: string, partition: number): string {
  return `${topic}|${String(partition)}`;
}

/** A partition's way of committing: the latest batch's `commitOffsetsIfNecessary`, one commit at a time. */
interface Committer {
  commit: EachBatchPayload["commitOffsetsIfNecessary"];
  committed: string | undefined;
  running: Promise<void>;
}

/**
 * The Kafka side of the subscriber: kafkajs's `eachBatch` puts each partition's batch here;
 * the runtime's `receive` takes the next record of every partition that has one free, so records
 * of one partition run in order (per key with `keyConcurrency`) while partitions run side by
 * side; each partition commits only the offset after the records that all finished. A batch
 * returns to kafkajs once its records all finished, or with `fetchAhead` once they were all
 * handed out, so kafkajs fetches the next while they run.
 */
export class KafkaDriver implements MessageDriver<Delivery> {
  readonly retry = "in-place" as const;
  /** The records each partition holds, by {@link partitionKey}, kept from batch to batch. */
  private readonly works = new Map<string, PartitionWork>();
  /** Partitions that moved to another member at a rebalance while records of theirs still ran. */
  private readonly retired = new Map<string, PartitionWork>();
  private readonly committers = new Map<PartitionWork, Committer>();
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
  /** The error a batch rethrows so that kafkajs joins the group again (a rebalance a batch's heartbeat found). */
  private rebalance: unknown = undefined;
  /** Whether the group is rebalancing: nothing new is handed out until it has been joined again. */
  private rebalancing = false;
  private timer: NodeJS.Timeout | undefined;
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
    for (const work of this.works.values()) {
      work.stopped = true;
      work.changed();
    }
  }

  /**
   * Commits what finished on every partition held, then stops the commit timer: `close()` calls
   * it once the runtime settled what ran, before the consumer leaves the group.
   */
  async flush(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.commitAll();
  }

  /** kafkajs noticed a rebalance itself (between batches): nothing new starts; what finished is committed now. */
  rebalanceStarted(): void {
    this.rebalancing = true;
    void this.commitAll();
  }

  /**
   * The group was joined again: a rebalance is over. A partition no longer assigned is given
   * up: it hands out nothing more, and what still runs of it finishes uncommitted (its new owner
   * starts at the last commit); one assigned again to a partition with records still running here
   * waits for them, so a key's records never run side by side.
   */
  joined(assignment?: Readonly<Record<string, readonly number[]>>): void {
    this.rebalance = undefined;
    this.rebalancing = false;
    if (assignment !== undefined) {
      for (const [key, work] of this.works) {
        if (assignment[work.topic]?.includes(work.partition) === true) continue;
        work.stopped = true;
        this.works.delete(key);
        this.committers.delete(work);
        this.runnable.delete(work);
        if (work.running > 0) this.retired.set(key, work);
      }
    }
    for (const work of this.works.values()) this.changed(work);
  }

  /** kafkajs's `eachBatch`: holds one partition's batch for the runtime, and returns when it may fetch the next. */
  readonly eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    this.throwIfRebalancing();
    if (this.closing) {
      payload.pause(); // nothing more is fetched for it until the consumer leaves
      return;
    }
    const last = batch.messages.at(-1);
    if (last === undefined) return;
    const work = this.workOf(batch.topic, batch.partition);
    this.committerOf(work, payload);
    work.append(batch.messages);
    payload.resolveOffset(last.offset); // where kafkajs fetches next; what is committed is the finished prefix, below
    this.startTimer();
    this.changed(work);
    let stoppedAt: number | undefined;
    for (;;) {
      if (this.options.fetchAhead === true ? work.queued === 0 : work.finished) break;
      if (this.rebalance !== undefined || !payload.isRunning() || work.stopped) {
        stoppedAt ??= Date.now();
        if (this.idle(work)) break;
        if (Date.now() - stoppedAt > this.options.revokeTimeout) {
          this.options.observe(
            this.options.background,
            new KitError(Code.Aborted, `partition ${batch.topic}/${batch.partition} given up while a record still ran (revokeTimeout ${this.options.revokeTimeout} ms); it will be delivered again`),
          );
          break;
        }
      }
      if (!this.isClosing()) await this.heartbeat(payload);
      await work.changes(this.rebalance === undefined ? 500 : 50);
    }
    // a finished batch commits before the next fetch; a partition given up commits before kafkajs lets it go
    await this.commit(work);
    this.throwIfRebalancing();
  };

  /** Whether nothing runs that must finish before the batch may return: its partition's records, or every partition's at a rebalance. */
  private idle(work: PartitionWork): boolean {
    if (this.rebalance === undefined) return work.running === 0;
    for (const held of this.works.values()) if (held.running > 0) return false;
    return true;
  }

  private async heartbeat(payload: EachBatchPayload): Promise<void> {
    try {
      await payload.heartbeat();
    } catch (thrown) {
      if (isRebalancing(thrown)) this.startRebalance(thrown);
      else this.options.observe(this.options.background, fromKafkaError(thrown, `heartbeat of ${payload.batch.topic}/${String(payload.batch.partition)}`));
    }
  }

  /** The records held for a partition, made on its first batch. */
  private workOf(topic: string, partition: number): PartitionWork {
    const key = partitionKey(topic, partition);
    let work = this.works.get(key);
    if (work === undefined) {
      const { keyConcurrency, replyAllowed } = this.options;
      work = new PartitionWork(topic, partition, [], { keyConcurrency, replyAllowed });
      this.works.set(key, work);
    }
    return work;
  }

  /** Commits through the latest batch of the partition (the group's current generation). */
  private committerOf(work: PartitionWork, payload: EachBatchPayload): void {
    const commit: Committer["commit"] = (offsets) => payload.commitOffsetsIfNecessary(offsets);
    const found = this.committers.get(work);
    if (found === undefined) this.committers.set(work, { commit, committed: undefined, running: settledAtOnce });
    else found.commit = commit;
  }

  /** Commits every held partition's finished prefix that moved on. */
  private async commitAll(): Promise<void> {
    await Promise.all([...this.works.values()].map((work) => this.commit(work)));
  }

  /** Commits a partition's finished prefix if it moved on, after the partition's commit before it. */
  private commit(work: PartitionWork): Promise<void> {
    const committer = this.committers.get(work);
    if (committer === undefined) return settledAtOnce;
    const run = committer.running.then(() => this.commitOne(work, committer));
    committer.running = run;
    return run;
  }

  private async commitOne(work: PartitionWork, committer: Committer): Promise<void> {
    const offset = work.commitOffset();
    if (offset === undefined || offset === committer.committed) return;
    try {
      await committer.commit({ topics: [{ topic: work.topic, partitions: [{ partition: work.partition, offset }] }] });
      committer.committed = offset;
    } catch (thrown) {
      this.options.observe(this.options.background, fromKafkaError(thrown, `commit ${work.topic}/${String(work.partition)}`));
    }
  }

  /** Commits on a timer what finished while no batch of the partition was running (with `fetchAhead`), and what long batches finished. */
  private startTimer(): void {
    if (this.timer !== undefined || this.closing) return;
    this.timer = setInterval(() => void this.commitAll(), this.options.commitInterval);
    this.timer.unref();
  }

  /** Whether `close()` was called (a method, read afresh after every await). */
  private isClosing(): boolean {
    return this.closing;
  }

  /** A rebalance began: the batch rethrows its error, so kafkajs joins the group again. */
  private throwIfRebalancing(): void {
    if (this.rebalance !== undefined) throw this.rebalance as Error;
  }

  private startRebalance(err: unknown): void {
    if (this.rebalance !== undefined) return;
    this.rebalance = err;
    this.rebalancing = true;
    for (const work of this.works.values()) work.changed();
  }

  /** A record of a partition given up at a rebalance settled: once none runs, the partition's new records may start. */
  private retiredSettled(work: PartitionWork): void {
    const key = partitionKey(work.topic, work.partition);
    if (work.running > 0 || this.retired.get(key) !== work) return;
    this.retired.delete(key);
    const next = this.works.get(key);
    if (next !== undefined) this.changed(next);
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
    if (work.stopped) {
      this.retiredSettled(work);
      return; // it hands out nothing more, and its batch may be over
    }
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
    if (this.rebalancing) return none;
    let out: Delivery[] | undefined;
    let now: number | undefined;
    for (const work of this.runnable) {
      if ((out?.length ?? 0) >= max) break;
      this.runnable.delete(work);
      if (this.retired.size > 0 && this.retired.has(partitionKey(work.topic, work.partition))) continue; // its records from before the rebalance still run
      const entry = work.take((now ??= Date.now()));
      if (entry === undefined) continue; // nothing free until one of its records settles
      (out ??= []).push(entry);
      if (work.mayTake()) this.runnable.add(work);
    }
    return out ?? none;
  }
}
