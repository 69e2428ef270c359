import { Code, KitError } from "@kit/endpoint";

/** A message as the in-memory broker stores it. */
export interface Envelope {
  readonly id: number;
  readonly body: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
  readonly reply: string | undefined;
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

  constructor(name: string) {
    this.name = name;
  }

  get pending(): number {
    return this.#ready.length + this.#delayed.size;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  publish(body: Uint8Array, headers: ReadonlyMap<string, string>, reply: string | undefined): void {
    this.counters.published += 1;
    this.#ready.push({ id: nextId++, body, headers: new Map(headers), reply, attempt: 1, consumer: undefined });
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

  deadLetter(id: number, headers: ReadonlyMap<string, string>): void {
    const envelope = this.#settle(id);
    this.counters.deadLettered += 1;
    this.deadLetters.push({ body: envelope.body, headers: new Map([...envelope.headers, ...headers]) });
    this.#checkIdle();
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
    const envelope = this.#inFlight.get(id);
    if (envelope === undefined) {
      throw new KitError(Code.FailedPrecondition, `message ${id} is not in flight on queue ${JSON.stringify(this.name)}: settled twice?`);
    }
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
