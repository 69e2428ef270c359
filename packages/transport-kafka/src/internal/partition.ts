import type { KafkaMessage } from "kafkajs";
import { Delivery } from "./delivery.ts";

/** How far past the first unfinished record a partition looks for one whose key is free. */
const lookAhead = 1_024;

/** Where a record stands, one byte per record. */
const queued = 0;
const running = 1;
const finished = 2;

/** How a partition's records are worked through. */
export interface PartitionOptions {
  /** How many records run at once, never two of one key (default 1). */
  readonly keyConcurrency?: number;
  /** Whether a record's `kit-reply-topic` may be answered (default: any). */
  readonly replyAllowed?: (topic: string) => boolean;
}

const anyTopic = (): boolean => true;

/**
 * The records of one partition this member holds, in offset order: those of the batch being
 * worked through, and with `fetchAhead` of the batches fetched after it while its records ran. At
 * most `keyConcurrency` run at once and never two of one key, each key's in offset order (with
 * `keyConcurrency` 1, the partition's order); the finished prefix is what may be committed, and
 * is dropped when more records come. A record's {@link Delivery} is made when it is handed out,
 * so a batch of thousands costs one byte a record until then.
 */
export class PartitionWork {
  readonly topic: string;
  readonly partition: number;
  /** The records held, from the first unfinished one on (the finished prefix is dropped on {@link PartitionWork.append}). */
  private messages: KafkaMessage[] = [];
  /** Each held record's state: queued, running or finished. */
  private states: Uint8Array = new Uint8Array(0);
  /** How many records were dropped before `messages[0]`: a Delivery's index counts from the first record ever held. */
  private base = 0;
  /** How many held records from the start are finished. */
  private done = 0;
  /** The offset of the last record of the finished prefix, `undefined` before one finished. */
  private doneOffset: string | undefined;
  /** The offset after the last record held: a record below it that is fetched again is not held twice. */
  private end: bigint | undefined;
  running = 0;
  /** How many held records wait to be handed out. */
  queued = 0;
  /** Set when the partition is given up (close, or it moved at a rebalance): nothing more is handed out. */
  stopped = false;
  private wake: (() => void) | undefined;
  private dirty = false;

  private readonly keyConcurrency: number;
  /** How many times a record that was given back has been handed out, by its index. */
  private readonly handedOut = new Map<number, number>();

  /** Whether a record's `kit-reply-topic` may be answered (the subscriber's reply namespace). */
  readonly replyAllowed: (topic: string) => boolean;

  constructor(topic: string, partition: number, messages: readonly KafkaMessage[] = [], options: PartitionOptions = {}) {
    this.topic = topic;
    this.partition = partition;
    this.keyConcurrency = options.keyConcurrency ?? 1;
    this.replyAllowed = options.replyAllowed ?? anyTopic;
    this.append(messages);
  }

  /**
   * Holds the records of a batch, after those held already; a record at an offset held before
   * (fetched again after a rebalance) is left out. Drops the finished prefix first.
   * @returns how many records were new
   */
  append(messages: readonly KafkaMessage[]): number {
    const held = this.heldBefore(messages);
    const fresh = held === 0 ? messages : messages.slice(held);
    if (this.done > 0) {
      this.messages = this.messages.slice(this.done);
      this.states = this.states.slice(this.done);
      this.base += this.done;
      this.done = 0;
    }
    if (fresh.length === 0) return 0;
    const states = new Uint8Array(this.messages.length + fresh.length);
    states.set(this.states);
    this.states = states;
    this.messages = this.messages.concat(fresh); // not push(...fresh): a batch of a hundred thousand records would overflow the stack
    this.queued += fresh.length;
    this.end = BigInt(fresh.at(-1)?.offset ?? "0") + 1n;
    return fresh.length;
  }

  /**
   * How many records at the start of a batch were held already. A batch is in offset order, so
   * only its first records are compared, and usually just the first.
   */
  private heldBefore(messages: readonly KafkaMessage[]): number {
    const { end } = this;
    if (end === undefined) return 0;
    let held = 0;
    while (held < messages.length && BigInt(messages[held]?.offset ?? "0") < end) held += 1;
    return held;
  }

  /**
   * The next record that may run, marked running: the first queued one whose key has no
   * earlier record unfinished. `undefined` when the partition is at its limit or none is free.
   * @param now - the clock, read once by the caller for all the records it takes together
   */
  take(now: number = Date.now()): Delivery | undefined {
    if (this.stopped || this.running >= this.keyConcurrency || this.queued === 0) return undefined;
    if (this.keyConcurrency === 1) return this.start(this.done, now);
    const busy = new Set<string | null>(); // keys with an earlier record unfinished
    const end = Math.min(this.messages.length, this.done + lookAhead);
    for (let i = this.done; i < end; i++) {
      const state = this.states[i];
      const message = this.messages[i];
      if (state === finished || message === undefined) continue;
      const key = message.key === null ? null : message.key.toString("latin1");
      if (state === queued && !busy.has(key)) return this.start(i, now);
      busy.add(key);
    }
    return undefined;
  }

  /** Whether {@link PartitionWork.take} might hand out another record now. */
  mayTake(): boolean {
    return !this.stopped && this.running < this.keyConcurrency && this.queued > 0;
  }

  private start(position: number, now: number): Delivery | undefined {
    const message = this.messages[position];
    if (message === undefined || this.states[position] !== queued) return undefined;
    this.states[position] = running;
    this.running += 1;
    this.queued -= 1;
    const index = this.base + position;
    if (this.queued === 0) this.changed(); // with fetchAhead, its batch may return now
    return new Delivery(this, message, index, (this.handedOut.get(index) ?? 0) + 1, now);
  }

  /** Marks a running record finished (handled or dead-lettered) and moves the committable prefix on. */
  finish(delivery: Delivery): void {
    const position = delivery.index - this.base;
    if (this.states[position] !== running) return;
    this.states[position] = finished;
    this.running -= 1;
    while (this.states[this.done] === finished) this.done += 1;
    this.doneOffset = this.messages[this.done - 1]?.offset ?? this.doneOffset;
    this.settled();
  }

  /** Gives a running record back: it is handed out again (one attempt higher) unless the partition stopped. */
  giveBack(delivery: Delivery): void {
    const position = delivery.index - this.base;
    if (this.states[position] !== running) return;
    this.states[position] = queued;
    this.handedOut.set(delivery.index, delivery.attempt);
    this.running -= 1;
    this.queued += 1;
    this.settled();
  }

  /**
   * Wakes the batch's loop only when it has something to do: everything held is finished, or
   * the partition stopped and nothing runs. Commits and heartbeats otherwise go on a timer, so a
   * record costs no wake-up of its own.
   */
  private settled(): void {
    if (this.finished || (this.stopped && this.running === 0)) this.changed();
  }

  /** The offset to commit (the one after the finished prefix), or `undefined` when nothing finished. */
  commitOffset(): string | undefined {
    return this.doneOffset === undefined ? undefined : String(BigInt(this.doneOffset) + 1n);
  }

  /** The offset of the last finished record of the prefix, or `undefined`. */
  lastDoneOffset(): string | undefined {
    return this.doneOffset;
  }

  /** Whether every record held is finished. */
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
