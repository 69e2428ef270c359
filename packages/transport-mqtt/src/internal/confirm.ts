import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";
import { Deadlines, type ReplyTarget } from "@kit/transport/driver";
import type { MqttClient } from "mqtt";
import { fromMqttError } from "./errors.ts";
import type { UserProperties } from "./properties.ts";

/** The background context's signal, which never aborts: a wait on it needs no listener. */
const never = background().signal;

/**
 * A publish waiting for its PUBACK. Its methods live on the prototype, so a publish costs one
 * object and one callback, not a closure per step.
 */
class Waiting {
  readonly expires: number;
  readonly target: ReplyTarget;
  readonly signal: AbortSignal;
  /** Whether the bound is the target's timeout (the context had no deadline). */
  readonly bounded: boolean;
  #resolve: ((value: undefined) => void) | undefined;
  #reject: ((err: KitError) => void) | undefined;

  constructor(ctx: Context, target: ReplyTarget, resolve: (value: undefined) => void, reject: (err: KitError) => void) {
    this.expires = ctx.deadline ?? Date.now() + target.timeout;
    this.target = target;
    this.signal = ctx.signal;
    this.bounded = ctx.deadline === undefined;
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
    waiting.delete(this);
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
    const { name, timeout } = this.target;
    this.finish(
      this.bounded
        ? new KitError(Code.DeadlineExceeded, `${name}: no PUBACK within ${String(timeout)} ms`)
        : new KitError(Code.DeadlineExceeded, `${name}: no PUBACK before the context's deadline`),
    );
  }
}

/** Every publish waiting for its PUBACK, on one timer. */
const waiting = new Deadlines<Waiting>((entry) => {
  entry.expire();
});

/**
 * Publishes `body` to `topic` at QoS 1 and waits for its PUBACK, bounded like every Kit
 * requester's wait: by the context's deadline, or `target.timeout` without one; the context's
 * cancellation ends it too (with the signal's reason). Rejects at once with `unavailable` (not
 * sent) when the client is not connected, and with the `KitError` a failure reason code means.
 * A PUBACK saying no subscription matched (0x10) resolves: MQTT does not count it a failure.
 *
 * @param ctx - the caller's context
 * @param target - names the topic in errors, and gives the wait bound
 * @param client - the client
 * @param topic - where to publish
 * @param body - the payload: bytes, or the text an encoder wrote (`textBody`), which mqtt.js
 *   writes as its UTF-8 bytes; it copies a `Buffer` payload into its outgoing store, a string not
 * @param userProperties - the message's user properties, if any
 */
// eslint-disable-next-line max-params -- a publish: its context and bound, where, what, with which properties
export function publishWithin(
  ctx: Context,
  target: ReplyTarget,
  client: MqttClient,
  topic: string,
  body: Uint8Array | string,
  userProperties: UserProperties | undefined,
): Promise<undefined> {
  const { signal } = ctx;
  if (signal.aborted) return Promise.reject(toKitError(signal.reason));
  if (!client.connected) return Promise.reject(new KitError(Code.Unavailable, `MQTT publish to ${topic}: not connected to the broker; not sent`));
  return new Promise((resolve, reject) => {
    const entry = new Waiting(ctx, target, resolve, reject);
    waiting.add(entry);
    if (signal !== never) signal.addEventListener("abort", entry, { once: true });
    const payload = typeof body === "string" || Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const properties = userProperties === undefined ? {} : { userProperties };
    client.publish(topic, payload, { qos: 1, properties }, (err) => {
      entry.finish(err instanceof Error ? fromMqttError(err, `publish to ${topic}`) : undefined); // mqtt.js passes null on success
    });
  });
}
