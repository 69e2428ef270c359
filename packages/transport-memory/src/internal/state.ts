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

  queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name);
      this.#queues.set(name, queue);
    }
    return queue;
  }

  /** A fresh reply address and the promise of its one reply; call `dispose` when done waiting. */
  inbox(): { address: string; reply: Promise<ReplyEnvelope>; dispose: () => void } {
    const address = `_INBOX.${this.#nextInbox++}`;
    const reply = new Promise<ReplyEnvelope>((resolve) => {
      this.#inboxes.set(address, resolve);
    });
    return { address, reply, dispose: () => this.#inboxes.delete(address) };
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
