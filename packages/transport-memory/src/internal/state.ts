import { Queue } from "./queue.ts";

/** A reply on its way back to a publisher. */
export interface ReplyEnvelope {
  readonly body: Uint8Array;
  readonly headers: ReadonlyMap<string, string>;
}

/** Everything a broker holds; kept out of the public class so only this package reaches it. */
export class BrokerState {
  readonly #queues = new Map<string, Queue>();
  readonly #inboxes = new Map<string, (reply: ReplyEnvelope) => void>();
  #nextInbox = 1;
  /** The largest message a queue takes, body and headers (see `MemoryBrokerOptions`). */
  maxMessageBytes: number = Number.POSITIVE_INFINITY;

  queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, this.maxMessageBytes);
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** A fresh reply address whose one reply goes to `deliver`; call `dispose` when done waiting. */
  inbox(deliver: (reply: ReplyEnvelope) => void): { address: string; dispose: () => void } {
    const address = `_INBOX.${String(this.#nextInbox++)}`;
    this.#inboxes.set(address, deliver);
    return { address, dispose: () => this.#inboxes.delete(address) };
  }

  /** Delivers a reply; one for an address nobody waits on any more is dropped, as NATS does. */
  reply(address: string, reply: ReplyEnvelope): void {
    const deliver = this.#inboxes.get(address);
    this.#inboxes.delete(address);
    deliver?.(reply);
  }
}

const states = new WeakMap<object, BrokerState>();

/** The state behind a broker. */
export function stateOf(broker: object): BrokerState {
  let state = states.get(broker);
  if (state === undefined) {
    state = new BrokerState();
    states.set(broker, state);
  }
  return state;
}
