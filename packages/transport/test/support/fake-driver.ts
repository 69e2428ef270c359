// A driver over an array, for the runtime's tests: it records every call, in order, and can
// give messages back the way a broker does (at once on release, after the delay on retryLater).
import type { Message, OutgoingMessage } from "../../src/message.ts";
import type { MessageDriver, RetryMode } from "../../src/message-driver.ts";

export interface FakeMessage extends Message {
  readonly id: number;
}

export interface FakeOptions {
  /** Every message's reply address; "inbox" by default (requests), `undefined` for events. */
  readonly reply?: string | undefined;
  /** Every message's headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give messages back as a broker would: `release` at once, `retryLater` after its delay, one attempt higher. */
  readonly requeue?: boolean;
}

export interface Fake {
  readonly driver: MessageDriver<FakeMessage>;
  /** Every driver call, as "<method> <id>[ <detail>]". */
  readonly calls: string[];
  /** The replies sent, by message id. */
  readonly replies: Map<number, OutgoingMessage>;
  /** The headers of each dead letter, by message id. */
  readonly deadLetters: Map<number, ReadonlyMap<string, string>>;
}

export function fakeDriver(retry: RetryMode, bodies: readonly (string | Uint8Array)[], options: FakeOptions = {}): Fake {
  const { headers = {}, requeue = false } = options;
  const reply = "reply" in options ? options.reply : "inbox";
  const calls: string[] = [];
  const replies = new Map<number, OutgoingMessage>();
  const deadLetters = new Map<number, ReadonlyMap<string, string>>();
  let queue: FakeMessage[] = bodies.map((body, id) => ({
    id,
    body: typeof body === "string" ? new TextEncoder().encode(body) : body,
    headers: new Map(Object.entries(headers)),
    attempt: 1,
    reply,
  }));
  const again = (m: FakeMessage): FakeMessage => ({ ...m, attempt: m.attempt + 1 });
  const record = (call: string): Promise<void> => {
    calls.push(call);
    return Promise.resolve();
  };
  const driver: MessageDriver<FakeMessage> = {
    retry,
    async receive(max, signal) {
      while (queue.length === 0 && !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 2));
      if (signal.aborted) return [];
      const taken = queue.slice(0, max);
      queue = queue.slice(max);
      return taken;
    },
    ack: (m) => record(`ack ${String(m.id)}`),
    retryLater: (m, delay) => {
      if (requeue) setTimeout(() => queue.push(again(m)), delay);
      return record(`retryLater ${String(m.id)} ${String(delay)}`);
    },
    release: (m) => {
      if (requeue) queue.unshift(again(m));
      return record(`release ${String(m.id)}`);
    },
    deadLetter: (m, why) => {
      deadLetters.set(m.id, why);
      return record(`deadLetter ${String(m.id)} ${why.get("kit-error-code") ?? ""}`);
    },
    reply: (m, out) => {
      replies.set(m.id, out);
      return record(`reply ${String(m.id)} ${new TextDecoder().decode(out.body)}`);
    },
  };
  return { driver, calls, replies, deadLetters };
}

/** Waits until `condition` holds, checking every 5 ms, for 2 s at most. */
export async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 5));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
