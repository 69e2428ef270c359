import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";

interface Batch {
  readonly messages: ConsumerMessages;
  readonly buffer: JsMsg[];
  readonly started: number;
  delivered: number;
  done: boolean;
  error: unknown;
}

/** A pull that ends this soon with nothing is not renewed at once, so a refusing server is not polled in a tight loop. */
const quickEmpty = 100;

/**
 * How long past its `expires` a pull may stay open before the puller stops it and pulls again.
 * The server ends every pull at `expires`; one still open later was lost with the server (a
 * restart that the client reconnected across), and nats.js would wait for two missed heartbeats
 * or its own checks after the reconnect (about 30 s was seen) before noticing.
 */
const lostPullGrace = 2_000;

/**
 * Pulls from a JetStream consumer for the subscriber runtime without ever holding more than it
 * was asked for: one `fetch` at a time, for as many messages as the runtime had free slots when
 * it was made. Every message that fetch delivers goes to the runtime (the runtime's free slots
 * never shrink below what the fetch still owes), and a new fetch is made only when the last one
 * is complete or expired. Unlike `consume()`, nothing is buffered beyond the runtime's slots.
 */
export class Puller {
  readonly #consumer: Consumer;
  readonly #expires: number;
  #batch: Batch | undefined;
  #wake: (() => void) | undefined;

  constructor(consumer: Consumer, expires: number) {
    this.#consumer = consumer;
    this.#expires = expires;
  }

  /** Up to `max` messages, waiting for the first; none once `signal` aborts. */
  async take(max: number, signal: AbortSignal): Promise<JsMsg[]> {
    for (;;) {
      if (signal.aborted) return [];
      let batch = this.#batch;
      if (batch === undefined || (batch.done && batch.buffer.length === 0)) {
        this.#batch = undefined;
        if (batch?.error !== undefined) throw batch.error as Error;
        if (batch?.delivered === 0 && Date.now() - batch.started < quickEmpty) {
          await this.#changed(signal, quickEmpty);
          continue; // with no batch now: checks the signal, then fetches
        }
        batch = await this.#fetch(max);
        this.#batch = batch;
        continue;
      }
      if (batch.buffer.length > 0) return batch.buffer.splice(0, max);
      await this.#changed(signal);
    }
  }

  /** Stops the fetch in progress and returns what it delivered that nobody took. */
  async stop(): Promise<JsMsg[]> {
    const batch = this.#batch;
    this.#batch = undefined;
    if (batch === undefined) return [];
    try {
      batch.messages.stop();
      await batch.messages.closed();
    } catch {
      // the connection is gone: what the fetch held is redelivered after ack_wait anyway
    }
    return batch.buffer.splice(0);
  }

  async #fetch(max: number): Promise<Batch> {
    const messages = await this.#consumer.fetch({ max_messages: max, expires: this.#expires });
    const batch: Batch = { messages, buffer: [], started: Date.now(), delivered: 0, done: false, error: undefined };
    const lost = setTimeout(() => {
      messages.stop(); // the server ended it at `expires` long ago: it was lost, pull again
    }, this.#expires + lostPullGrace);
    void (async () => {
      try {
        for await (const message of messages) {
          batch.buffer.push(message);
          batch.delivered += 1;
          this.#notify();
        }
      } catch (err) {
        batch.error = err;
      } finally {
        clearTimeout(lost);
        batch.done = true;
        this.#notify();
      }
    })();
    return batch;
  }

  /** Resolves when a batch changes, the signal aborts, or after `ms` if given. */
  #changed(signal: AbortSignal, ms?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(done, ms);
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
