import type { KafkaMessage } from "kafkajs";
import { Delivery } from "./delivery.ts";

/** How far past the first unfinished record a partition looks for one whose key is free. */
const lookAhead = 1_024;

/** Where a record of the batch stands, one byte per record. */
const queued = 0;
const running = 1;
const finished = 2;

/**
 * The records of the batch a partition is working through, in offset order. At most
 * `keyConcurrency` run at once and never two of one key, each key's in offset order (with
 * `keyConcurrency` 1, the partition's order); `done` counts the finished prefix, whose last
 * offset is the one that may be committed. A record's {@link Delivery} is made when it is
 * handed out, so a batch of thousands costs one byte a record until then.
 */
/** How a partition's batch is worked through. */
export interface PartitionOptions {
  /** How many records run at once, never two of one key (default 1). */
  readonly keyConcurrency?: number;
  /** Whether a record's `kit-reply-topic` may be answered (default: any). */
  readonly replyAllowed?: (topic: string) => boolean;
}

const anyTopic = (): boolean => true;

export class PartitionWork {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly KafkaMessage[];
  /** How many records from the start are done: the prefix that may be committed. */
  done = 0;
  running = 0;
  /** Set when the partition is being given up (rebalance, close): nothing more is handed out. */
  stopped = false;
  private wake: (() => void) | undefined;
  private dirty = false;

  private readonly keyConcurrency: number;
  /** Each record's state: queued, running or finished. */
  private readonly states: Uint8Array;
  /** How many times a record that was given back has been handed out, by its index. */
  private readonly handedOut = new Map<number, number>();

  /** Whether a record's `kit-reply-topic` may be answered (the subscriber's reply namespace). */
  readonly replyAllowed: (topic: string) => boolean;

  constructor(topic: string, partition: number, messages: readonly KafkaMessage[], options: PartitionOptions = {}) {
    this.topic = topic;
    this.partition = partition;
    this.messages = messages;
    this.keyConcurrency = options.keyConcurrency ?? 1;
    this.replyAllowed = options.replyAllowed ?? anyTopic;
    this.states = new Uint8Array(messages.length);
  }

  /**
   * The next record that may run, marked running: the first queued one whose key has no
   * earlier record unfinished. `undefined` when the partition is at its limit or none is free.
   */
  take(): Delivery | undefined {
    if (this.stopped || this.running >= this.keyConcurrency) return undefined;
    if (this.keyConcurrency === 1) return this.start(this.done);
    const busy = new Set<string | null>(); // keys with an earlier record unfinished
    const end = Math.min(this.messages.length, this.done + lookAhead);
    for (let i = this.done; i < end; i++) {
      const state = this.states[i];
      const message = this.messages[i];
      if (state === finished || message === undefined) continue;
      const key = message.key === null ? null : message.key.toString("latin1");
      if (state === queued && !busy.has(key)) return this.start(i);
      busy.add(key);
    }
    return undefined;
  }

  /** Whether {@link PartitionWork.take} might hand out another record now. */
  mayTake(): boolean {
    return !this.stopped && this.running < this.keyConcurrency && this.done + this.running < this.messages.length;
  }

  private start(index: number): Delivery | undefined {
    const message = this.messages[index];
    if (message === undefined || this.states[index] !== queued) return undefined;
    this.states[index] = running;
    this.running += 1;
    return new Delivery(this, message, index, (this.handedOut.get(index) ?? 0) + 1);
  }

  /** Marks a running record finished (handled or dead-lettered) and moves the committable prefix on. */
  finish(delivery: Delivery): void {
    if (this.states[delivery.index] !== running) return;
    this.states[delivery.index] = finished;
    this.running -= 1;
    while (this.states[this.done] === finished) this.done += 1;
    this.settled();
  }

  /** Gives a running record back: it is handed out again (one attempt higher) unless the partition stopped. */
  giveBack(delivery: Delivery): void {
    if (this.states[delivery.index] !== running) return;
    this.states[delivery.index] = queued;
    this.handedOut.set(delivery.index, delivery.attempt);
    this.running -= 1;
    this.settled();
  }

  /**
   * Wakes the batch's loop only when it has something to do: the batch is finished, or the
   * partition stopped and nothing runs. Commits and heartbeats otherwise go on a timer, so a
   * record costs no wake-up of its own.
   */
  private settled(): void {
    if (this.finished || (this.stopped && this.running === 0)) this.changed();
  }

  /** The offset to commit (the one after the finished prefix), or `undefined` when nothing finished. */
  commitOffset(): string | undefined {
    const last = this.messages[this.done - 1];
    return last === undefined ? undefined : String(BigInt(last.offset) + 1n);
  }

  /** The offset of the last finished record of the prefix, or `undefined`. */
  lastDoneOffset(): string | undefined {
    return this.messages[this.done - 1]?.offset;
  }

  get finished(): boolean {
    return this.done === this.messages.length;
  }

  /** Resolves on the next change (at once if there was one since the last call), or after `ms`. */
  async changes(ms: number): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  changed(): void {
    if (this.wake === undefined) this.dirty = true;
    else this.wake();
  }
}
