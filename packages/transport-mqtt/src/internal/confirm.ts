import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";
import { Deadlines, type ReplyTarget } from "@kit/transport/driver";
import type { IClientPublishOptions, MqttClient } from "mqtt";
import { fromMqttError } from "./errors.ts";

/** The background context's signal, which never aborts: a wait on it needs no listener. */
const never = background().signal;

/**
 * A publish waiting for its PUBACK. Its methods live on the prototype, so a publish costs one
 * object and one callback, not a closure per step.
 */
class Waiting {
  readonly expires: number;
  readonly waits: PubackWaits;
  readonly signal: AbortSignal;
  /** Whether the bound is the publisher's timeout (the context had no deadline): the wait is then in `waits`' list. */
  readonly bounded: boolean;
  /** The waits before and after this one in `waits`' list, while it is there. */
  previous: Waiting | undefined = undefined;
  next: Waiting | undefined = undefined;
  #resolve: ((value: undefined) => void) | undefined;
  #reject: ((err: KitError) => void) | undefined;

  constructor(ctx: Context, waits: PubackWaits, resolve: (value: undefined) => void, reject: (err: KitError) => void) {
    this.bounded = ctx.deadline === undefined;
    this.expires = ctx.deadline ?? Date.now() + waits.target.timeout;
    this.waits = waits;
    this.signal = ctx.signal;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Ends the wait once: confirmed (no error) or failed; what comes after is ignored. */
  finish(err: KitError | undefined): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#resolve = undefined;
    this.#reject = undefined;
    if (this.bounded) this.waits.remove(this);
    else withDeadlines.delete(this);
    if (this.signal !== never) this.signal.removeEventListener("abort", this);
    if (err === undefined) resolve(undefined);
    else reject(err);
  }

  /** The context was canceled (the wait is the signal's listener). */
  handleEvent(): void {
    this.finish(toKitError(this.signal.reason));
  }

  /** The wait's bound passed. */
  expire(): void {
    const { name, timeout } = this.waits.target;
    this.finish(
      this.bounded
        ? new KitError(Code.DeadlineExceeded, `${name}: no PUBACK within ${String(timeout)} ms`)
        : new KitError(Code.DeadlineExceeded, `${name}: no PUBACK before the context's deadline`),
    );
  }
}

/** The waits whose contexts have a deadline, which come in any order: on one timer for them all. */
const withDeadlines = new Deadlines<Waiting>((entry) => {
  entry.expire();
});

/** The longest delay `setTimeout` takes (about 24.8 days); a longer one fires at once. */
const longestTimer = 2_147_483_647;

/**
 * One publisher's PUBACK waits that its timeout bounds (their contexts have no deadline). They
 * all wait as long, so they expire in the order they began: they are kept in that order, in a
 * list through the waits themselves, with one timer set for the first. Adding or removing a
 * wait costs no allocation and no hashing, which a set of them would on every publish.
 */
export class PubackWaits {
  /** Names the topic in errors, and gives the timeout. */
  readonly target: ReplyTarget;
  #first: Waiting | undefined;
  #last: Waiting | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** @param target - the publisher's topic and timeout */
  constructor(target: ReplyTarget) {
    this.target = target;
  }

  /** Appends a wait bounded by the timeout: it expires after every one already here. */
  add(entry: Waiting): void {
    entry.previous = this.#last;
    if (this.#last === undefined) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    if (this.#timer === undefined) this.#arm(entry.expires);
  }

  /** Takes a wait out of the list (it finished). */
  remove(entry: Waiting): void {
    if (entry.previous === undefined) this.#first = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === undefined) this.#last = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = undefined;
    entry.next = undefined;
  }

  #arm(at: number): void {
    this.#timer = setTimeout(this.#sweep, Math.min(longestTimer, Math.max(0, at - Date.now())));
    this.#timer.unref(); // a wait never keeps the process alive
  }

  /** The timer fired: the waits whose time has come expire (each leaves the list), and it is set again for the first one left. */
  readonly #sweep = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    while (this.#first !== undefined && this.#first.expires <= now) this.#first.expire();
    if (this.#first !== undefined) this.#arm(this.#first.expires);
  };
}

/**
 * Publishes `body` to `topic` at QoS 1 and waits for its PUBACK, bounded like every Kit
 * requester's wait: by the context's deadline, or the publisher's timeout without one; the context's
 * cancellation ends it too (with the signal's reason). Rejects at once with `unavailable` (not
 * sent) when the client is not connected, and with the `KitError` a failure reason code means.
 * A PUBACK saying no subscription matched (0x10) resolves: MQTT does not count it a failure.
 *
 * @param ctx - the caller's context
 * @param waits - the publisher's waits: they name the topic in errors, and give the wait bound
 * @param client - the client
 * @param topic - where to publish
 * @param body - the payload: bytes, or the text an encoder wrote (`textBody`), which mqtt.js
 *   writes as its UTF-8 bytes; it copies a `Buffer` payload into its outgoing store, a string not
 * @param options - QoS 1 and the message's user properties (a `PublishOptions`' own, shared by its messages)
 */
// eslint-disable-next-line max-params -- a publish: its context and bound, where, what, with which properties
export function publishWithin(
  ctx: Context,
  waits: PubackWaits,
  client: MqttClient,
  topic: string,
  body: Uint8Array | string,
  options: IClientPublishOptions,
): Promise<undefined> {
  const { signal } = ctx;
  if (signal.aborted) return Promise.reject(toKitError(signal.reason));
  if (!client.connected) return Promise.reject(new KitError(Code.Unavailable, `MQTT publish to ${topic}: not connected to the broker; not sent`));
  return new Promise((resolve, reject) => {
    const entry = new Waiting(ctx, waits, resolve, reject);
    if (entry.bounded) waits.add(entry);
    else withDeadlines.add(entry);
    if (signal !== never) signal.addEventListener("abort", entry, { once: true });
    const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    client.publish(topic, payload, options, (err) => {
      entry.finish(err instanceof Error ? fromMqttError(err, `publish to ${topic}`) : undefined); // mqtt.js passes null on success
    });
  });
}
