import type { KafkaMessage } from "kafkajs";

/** One record of a batch and where it stands. */
export interface Entry {
  readonly index: number;
  readonly message: KafkaMessage;
  state: "queued" | "running" | "done";
  /** The delivery this is; above 1 after the record was given back and handed out again. */
  attempt: number;
}

/** How far past the first unfinished record a partition looks for one whose key is free. */
const lookAhead = 1_024;

/**
 * The records of the batch a partition is working through, in offset order. At most
 * `keyConcurrency` run at once and never two of one key, each key's in offset order (with
 * `keyConcurrency` 1, the partition's order); `done` counts the finished prefix, whose last
 * offset is the one that may be committed.
 */
export class PartitionWork {
  readonly topic: string;
  readonly partition: number;
  readonly entries: Entry[];
  /** How many records from the start are done: the prefix that may be committed. */
  done = 0;
  running = 0;
  /** Set when the partition is being given up (rebalance, close): nothing more is handed out. */
  stopped = false;
  private wake: (() => void) | undefined;
  private dirty = false;

  private readonly keyConcurrency: number;

  constructor(topic: string, partition: number, messages: readonly KafkaMessage[], keyConcurrency = 1) {
    this.topic = topic;
    this.partition = partition;
    this.keyConcurrency = keyConcurrency;
    this.entries = messages.map((message, index) => ({ index, message, state: "queued", attempt: 1 }));
  }

  /**
   * The next record that may run, marked running: the first queued one whose key has no
   * earlier record unfinished. `undefined` when the partition is at its limit or none is free.
   */
  take(): Entry | undefined {
    if (this.stopped || this.running >= this.keyConcurrency) return undefined;
    if (this.keyConcurrency === 1) return this.start(this.entries[this.done]);
    const busy = new Set<string | null>(); // keys with an earlier record unfinished
    const end = Math.min(this.entries.length, this.done + lookAhead);
    for (let i = this.done; i < end; i++) {
      const entry = this.entries[i];
      if (entry === undefined || entry.state === "done") continue;
      const key = entry.message.key === null ? null : entry.message.key.toString("latin1");
      if (entry.state === "queued" && !busy.has(key)) return this.start(entry);
      busy.add(key);
    }
    return undefined;
  }

  /** Whether {@link PartitionWork.take} might hand out another record now. */
  mayTake(): boolean {
    return !this.stopped && this.running < this.keyConcurrency && this.done + this.running < this.entries.length;
  }

  private start(entry: Entry | undefined): Entry | undefined {
    if (entry?.state !== "queued") return undefined;
    entry.state = "running";
    this.running += 1;
    return entry;
  }

  /** Marks a running record finished (handled or dead-lettered) and moves the committable prefix on. */
  finish(entry: Entry): void {
    if (entry.state !== "running") return;
    entry.state = "done";
    this.running -= 1;
    while (this.entries[this.done]?.state === "done") this.done += 1;
    this.settled();
  }

  /** Gives a running record back: it is handed out again (one attempt higher) unless the partition stopped. */
  giveBack(entry: Entry): void {
    if (entry.state !== "running") return;
    entry.state = "queued";
    entry.attempt += 1;
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
    const last = this.entries[this.done - 1];
    return last === undefined ? undefined : String(BigInt(last.message.offset) + 1n);
  }

  /** The offset of the last finished record of the prefix, or `undefined`. */
  lastDoneOffset(): string | undefined {
    return this.entries[this.done - 1]?.message.offset;
  }

  get finished(): boolean {
    return this.done === this.entries.length;
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
