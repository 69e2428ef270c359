import type { MessageOutcome } from "@kit/transport";
import type { MessageDriver } from "@kit/transport/driver";
import type { RecordMessage } from "./sqs-records.ts";

/** A driver call with nothing to do on the queue. */
const settled = (): Promise<void> => Promise.resolve();

/** What becomes of a record: left on the queue to be tried again (`retry`) or not (`done`). */
type Fate = "done" | "retry";

/**
 * One invocation's batch of SQS records, as a {@link MessageDriver} the subscriber runtime
 * receives from: it hands the records out in order, and records what the runtime decided for
 * each. A record the runtime acknowledged, or dead-lettered through `deadLetter`, is done;
 * every other one (retried, released, or dead-lettered with no `deadLetter` to send it) stays
 * on the queue and is named in `batchItemFailures`.
 *
 * On a FIFO queue, a message group runs one record at a time, in order, and once a record of a
 * group stays on the queue, the group's later records are not run but stay on it too, so the
 * group's order holds when SQS delivers them again.
 */
export class Batch {
  readonly #pending: RecordMessage[];
  readonly #fates = new Map<string, Fate>();
  /** The ids of the records running, and their FIFO groups. */
  readonly #running = new Set<string>();
  readonly #runningGroups = new Set<string>();
  readonly #failedGroups = new Set<string>();
  readonly #size: number;
  readonly #sends: boolean;
  #changed: (() => void) | undefined;
  #finished: (() => void) | undefined;
  /** Resolves once every record has a fate. */
  readonly finished: Promise<void>;
  readonly driver: MessageDriver<RecordMessage>;

  constructor(records: readonly RecordMessage[], deadLetter: ((message: RecordMessage, headers: ReadonlyMap<string, string>) => Promise<void>) | undefined) {
    this.#pending = [...records];
    this.#size = new Set(records.map((record) => record.id)).size;
    this.#sends = deadLetter !== undefined;
    this.finished = new Promise((resolve) => (this.#finished = resolve));
    this.driver = {
      retry: "redeliver",
      receive: (max, signal) => this.#receive(max, signal),
      ack: () => undefined,
      // Nothing to do on the queue: what the runtime decided is read by `decided`, and a record
      // not done is named in batchItemFailures (SQS's visibility timeout is the delay).
      retryLater: settled,
      release: settled,
      deadLetter: deadLetter ?? settled,
    };
    this.#check();
  }

  /** Records a decision of the runtime (a finalizer sees each once): whether the record is done. */
  readonly decided = (outcome: MessageOutcome): void => {
    const message = outcome.message as RecordMessage;
    const done = outcome.decision === "succeeded" || (outcome.decision === "dead-lettered" && this.#sends);
    this.#settle(message, done ? "done" : "retry");
  };

  /** The `batchItemFailures` of the response: every record that is not done, once. */
  failures(): { itemIdentifier: string }[] {
    const ids = new Set<string>();
    for (const message of this.#pending) ids.add(message.id);
    for (const [id, fate] of this.#fates) if (fate === "retry") ids.add(id);
    for (const id of this.#running) ids.add(id);
    return [...ids].map((itemIdentifier) => ({ itemIdentifier }));
  }

  #settle(message: RecordMessage, fate: Fate): void {
    if (this.#fates.get(message.id) !== "retry") this.#fates.set(message.id, fate);
    if (message.group !== undefined) {
      this.#runningGroups.delete(message.group);
      if (fate === "retry") this.#failedGroups.add(message.group);
    }
    this.#running.delete(message.id);
    this.#check();
  }

  /** Hands out up to `max` records that may run now; waits while every pending one waits on its group. */
  async #receive(max: number, signal: AbortSignal): Promise<readonly RecordMessage[]> {
    for (;;) {
      const taken = this.#take(max);
      if (taken.length > 0 || signal.aborted) return taken;
      await new Promise<void>((resolve) => {
        this.#changed = resolve;
        signal.addEventListener("abort", () => {
          resolve();
        }, { once: true });
      });
    }
  }

  #take(max: number): RecordMessage[] {
    const taken: RecordMessage[] = [];
    for (let i = 0; taken.length < max; ) {
      const message = this.#pending[i];
      if (message === undefined) break;
      const { group } = message;
      if (group !== undefined && this.#failedGroups.has(group)) {
        this.#pending.splice(i, 1);
        this.#fates.set(message.id, "retry"); // behind a record of its group that stays: never run
        continue;
      }
      if (group !== undefined && this.#runningGroups.has(group)) {
        i += 1;
        continue;
      }
      this.#pending.splice(i, 1);
      if (group !== undefined) this.#runningGroups.add(group);
      this.#running.add(message.id);
      taken.push(message);
    }
    this.#check();
    return taken;
  }

  #check(): void {
    const changed = this.#changed;
    this.#changed = undefined;
    changed?.();
    if (this.#fates.size >= this.#size && this.#running.size === 0) this.#finished?.();
  }
}
