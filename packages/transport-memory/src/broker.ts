import { stateOf } from "./internal/state.ts";

/** A message in a queue's dead letter, as {@link MemoryBroker.deadLetters} returns it. */
export interface DeadLetter {
  /** The message's body, unchanged. */
  readonly body: Uint8Array;
  /**
   * The message's own headers plus why it died: `kit-error-code`, `kit-error-message` and
   * `kit-attempts`.
   */
  readonly headers: ReadonlyMap<string, string>;
}

/** What happened on one queue so far, as {@link MemoryBroker.stats} returns it. */
export interface QueueStats {
  /** Messages published to the queue. */
  readonly published: number;
  /** Deliveries to subscribers, redeliveries included. */
  readonly delivered: number;
  /** Messages acknowledged. */
  readonly acked: number;
  /** Messages sent back for a delayed retry. */
  readonly retried: number;
  /** Messages given back unhandled (a subscriber closed), to be delivered again. */
  readonly released: number;
  /** Messages moved to the dead letter. */
  readonly deadLettered: number;
  /** Messages waiting to be delivered, delayed retries included. */
  readonly pending: number;
  /** Messages delivered and not yet settled. */
  readonly inFlight: number;
  /** The most messages that were ever in flight at once. */
  readonly peakInFlight: number;
}

/** Options for a {@link MemoryBroker}. */
export interface MemoryBrokerOptions {
  /**
   * The largest message a queue takes, in bytes: the body plus the headers' names and values
   * (default: no limit). A publish over it fails with `resource_exhausted`, and so does a dead
   * letter that Kit's headers push over it (the subscriber then dead-letters it with its body cut
   * short, saying so in `kit-body-truncated`), as on Kafka with its `message.max.bytes`.
   */
  readonly maxMessageBytes?: number;
}

const utf8 = new TextEncoder();

/**
 * An in-memory message broker: named queues with at-least-once delivery to competing
 * subscribers, delayed redelivery for retries, redelivery of what a subscriber held when it
 * closed, a dead letter per queue you can read, and request/reply. It runs in the process,
 * with no network, so tests and examples need no broker; {@link subscriber} and
 * {@link publisher} use it the way the NATS and AMQP packages use theirs.
 *
 * @example
 * ```ts
 * const broker = new MemoryBroker();
 * broker.publish("orders", JSON.stringify({ id: "o-1" }));
 * await broker.idle("orders");
 * broker.deadLetters("orders"); // []
 * ```
 */
export class MemoryBroker {
  /**
   * A broker with no queues yet.
   *
   * @param options - its limits
   */
  constructor(options: MemoryBrokerOptions = {}) {
    stateOf(this).maxMessageBytes = options.maxMessageBytes ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Puts a message on a queue, as a producer outside Kit would.
   *
   * @param queue - the queue's name; queues exist once named
   * @param body - the payload; a string is sent as UTF-8
   * @param headers - the message's headers, lower-case names
   */
  publish(queue: string, body: Uint8Array | string, headers: Readonly<Record<string, string>> = {}): void {
    const bytes = typeof body === "string" ? utf8.encode(body) : body;
    stateOf(this).queue(queue).publish(bytes, new Map(Object.entries(headers)), undefined);
  }

  /**
   * The messages in a queue's dead letter so far, oldest first.
   *
   * @param queue - the queue's name
   */
  deadLetters(queue: string): readonly DeadLetter[] {
    return [...stateOf(this).queue(queue).deadLetters];
  }

  /**
   * A snapshot of a queue's counters.
   *
   * @param queue - the queue's name
   */
  stats(queue: string): QueueStats {
    const q = stateOf(this).queue(queue);
    return { ...q.counters, pending: q.pending, inFlight: q.inFlight };
  }

  /**
   * Resolves once the queue has nothing waiting, nothing delayed and nothing in flight: every
   * message was acknowledged or dead-lettered. With no subscriber on the queue it waits until
   * one comes; bound it with your test's timeout.
   *
   * @param queue - the queue's name
   */
  idle(queue: string): Promise<void> {
    return stateOf(this).queue(queue).idle();
  }
}
