import type { MsgHdrs } from "@nats-io/nats-core";

/**
 * The part of a received NATS message the core driver uses: a `Msg` from `nc.subscribe`, or
 * a `ServiceMsg` from a NATS service endpoint (typed structurally, as the services library
 * may bring its own copy of the client's types).
 */
export interface NatsMsg {
  readonly subject: string;
  readonly reply?: string | undefined;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs | undefined;
  respond(data?: Uint8Array, opts?: { headers?: MsgHdrs }): boolean;
}

/**
 * The messages the NATS client delivered to a subscription and the subscriber runtime has not
 * taken yet. Core NATS has no flow control, so they wait here, in arrival order; the runtime
 * takes no more than it has free slots for.
 */
export class Inbox {
  #items: NatsMsg[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #watched: AbortSignal | undefined;

  /** How many messages wait. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Adds a message the client delivered. */
  push(message: NatsMsg): void {
    this.#items.push(message);
    this.#notify();
  }

  /**
   * Up to `max` messages, waiting for the first one; none once `signal` aborts.
   */
  async take(max: number, signal: AbortSignal): Promise<NatsMsg[]> {
    if (this.#watched !== signal) {
      // One listener for the signal's life (the runtime passes the same one every time), not one per wait.
      this.#watched = signal;
      signal.addEventListener("abort", () => {
        this.#notify();
      }, { once: true });
    }
    while (this.size === 0) {
      if (signal.aborted) return [];
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    if (signal.aborted) return [];
    const end = Math.min(this.#items.length, this.#head + max);
    const taken = this.#items.slice(this.#head, end);
    this.#head = end;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#notify();
    return taken;
  }

  /** Removes and returns every waiting message. */
  takeAll(): NatsMsg[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#notify();
    return rest;
  }

  /** Resolves once no message waits, or after `ms` milliseconds; says whether it is empty. */
  async emptied(ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.size > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => setTimeout(resolve, Math.min(10, Math.max(1, deadline - Date.now()))));
    }
    return this.size === 0;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
