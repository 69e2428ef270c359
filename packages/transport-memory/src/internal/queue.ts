import { Code, KitError } from "@kit/endpoint";

/** A message as the in-memory broker stores it. */
export interface Envelope {
  readonly id: number;
  readonly body: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
  readonly reply: string | undefined;
  /** When it was published, in epoch milliseconds: its time in the queue comes off its `kit-timeout`. */
  readonly sentAt: number;
  /** The delivery count the next delivery will carry. */
  attempt: number;
  /** The subscriber holding it while in flight. */
  consumer: object | undefined;
}

/** A message moved to a queue's dead letter. */
interface StoredDeadLetter {
  readonly body: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
}

interface Waiter {
  readonly max: number;
  readonly consumer: object;
  readonly deliver: (envelopes: Envelope[]) => void;
}

/** Counters for one queue. */
interface Counters {
  published: number;
  delivered: number;
  acked: number;
  retried: number;
  released: number;
  deadLettered: number;
  peakInFlight: number;
}

let nextId = 1;

/** One queue: at-least-once delivery to competing consumers, delayed retry, a dead letter. */
export class Queue {
  readonly name: string;
  readonly counters: Counters = { published: 0, delivered: 0, acked: 0, retried: 0, released: 0, deadLettered: 0, peakInFlight: 0 };
  readonly deadLetters: StoredDeadLetter[] = [];
  readonly #ready: Envelope[] = [];
  readonly #inFlight = new Map<number, Envelope>();
  readonly #delayed = new Map<number, NodeJS.Timeout>();
  readonly #waiters: Waiter[] = [];
  #idle: (() => void)[] = [];

  readonly #maxBytes: number;

  constructor(name: string, maxBytes: number) {
    this.name = name;
    this.#maxBytes = maxBytes;
  }

  get pending(): number {
    return this.#ready.length + this.#delayed.size;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  publish(body: Uint8Array, headers: ReadonlyMap<string, string>, reply: string | undefined): void {
    this.#fits(body.byteLength, headers, "publish");
    this.counters.published += 1;
    this.#ready.push({ id: nextId++, body, headers: new Map(headers), reply, sentAt: Date.now(), attempt: 1, consumer: undefined });
    this.#dispatch();
  }

  /** Up to `max` messages, waiting for the first; none once `signal` aborts. */
  receive(max: number, signal: AbortSignal, consumer: object): Promise<Envelope[]> {
    if (signal.aborted) return Promise.resolve([]);
    if (this.#ready.length > 0) return Promise.resolve(this.#take(max, consumer));
    return new Promise((resolve) => {
      const onAbort = (): void => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        resolve([]);
      };
      const waiter: Waiter = {
        max,
        consumer,
        deliver: (envelopes) => {
          signal.removeEventListener("abort", onAbort);
          resolve(envelopes);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  ack(id: number): void {
    this.#settle(id);
    this.counters.acked += 1;
    this.#checkIdle();
  }

  retryLater(id: number, delay: number): void {
    const envelope = this.#settle(id);
    this.counters.retried += 1;
    envelope.attempt += 1;
    const timer = setTimeout(() => {
      this.#delayed.delete(id);
      this.#ready.push(envelope);
      this.#dispatch();
    }, delay);
    this.#delayed.set(id, timer);
  }

  release(id: number): void {
    const envelope = this.#settle(id);
    this.counters.released += 1;
    envelope.attempt += 1;
    this.#ready.unshift(envelope);
    this.#dispatch();
  }

  /** Moves a message to the dead letter; refuses (`resource_exhausted`) one that no longer fits. */
  deadLetter(id: number, headers: ReadonlyMap<string, string>): void {
    const envelope = this.#inFlightEnvelope(id);
    const all = new Map([...envelope.headers, ...headers]);
    this.#fits(envelope.body.byteLength, all, "dead-letter");
    this.#deadLetter(id, envelope.body, all);
  }

  /** Moves a message to the dead letter with its body cut to what fits with its headers. */
  deadLetterTruncated(id: number, headers: ReadonlyMap<string, string>): void {
    const envelope = this.#inFlightEnvelope(id);
    const all = new Map([...envelope.headers, ...headers]);
    const room = Math.max(0, this.#maxBytes - headerBytes(all));
    this.#deadLetter(id, envelope.body.subarray(0, room), all);
  }

  #deadLetter(id: number, body: Uint8Array, headers: ReadonlyMap<string, string>): void {
    this.#settle(id);
    this.counters.deadLettered += 1;
    this.deadLetters.push({ body, headers });
    this.#checkIdle();
  }

  #inFlightEnvelope(id: number): Envelope {
    const envelope = this.#inFlight.get(id);
    if (envelope === undefined) {
      throw new KitError(Code.FailedPrecondition, `message ${String(id)} is not in flight on queue ${JSON.stringify(this.name)}: settled twice?`);
    }
    return envelope;
  }

  /** Refuses a message larger than the broker's limit, as Kafka refuses one with `MESSAGE_TOO_LARGE`. */
  #fits(bodyBytes: number, headers: ReadonlyMap<string, string>, what: string): void {
    const size = bodyBytes + headerBytes(headers);
    if (size > this.#maxBytes) {
      throw new KitError(Code.ResourceExhausted, `${what} to queue ${JSON.stringify(this.name)}: ${String(size)} bytes is over the broker's maxMessageBytes (${String(this.#maxBytes)})`);
    }
  }

  /** Gives back every message `consumer` still holds, as a broker does when a consumer goes away. */
  disconnect(consumer: object): void {
    for (const envelope of Array.from(this.#inFlight.values())) {
      if (envelope.consumer === consumer) this.release(envelope.id);
    }
  }

  /** Resolves when nothing is waiting, delayed or in flight. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #take(max: number, consumer: object): Envelope[] {
    const taken = this.#ready.splice(0, Math.max(0, max));
    for (const envelope of taken) {
      envelope.consumer = consumer;
      this.#inFlight.set(envelope.id, envelope);
    }
    this.counters.delivered += taken.length;
    this.counters.peakInFlight = Math.max(this.counters.peakInFlight, this.#inFlight.size);
    return taken;
  }

  #settle(id: number): Envelope {
    const envelope = this.#inFlightEnvelope(id);
    this.#inFlight.delete(id);
    envelope.consumer = undefined;
    return envelope;
  }

  #dispatch(): void {
    while (this.#ready.length > 0) {
      const waiter = this.#waiters.shift();
      if (waiter === undefined) break;
      waiter.deliver(this.#take(waiter.max, waiter.consumer));
    }
    this.#checkIdle();
  }

  #isIdle(): boolean {
    return this.#ready.length === 0 && this.#inFlight.size === 0 && this.#delayed.size === 0;
  }

  #checkIdle(): void {
    if (!this.#isIdle() || this.#idle.length === 0) return;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }
}

/** The size of a message's headers as the broker counts them: names and values, in UTF-16 code units. */
function headerBytes(headers: ReadonlyMap<string, string>): number {
  let size = 0;
  for (const [name, value] of headers) size += name.length + value.length;
  return size;
}
