import { background, Code, KitError, toKitError, type Context } from "@kit/endpoint";
import { Deadlines } from "./deadlines.ts";
import { malformedReply } from "./internal/malformed-reply.ts";
import type { DecodeMessage } from "./message.ts";

/**
 * How long a request waits for its reply when its context has no deadline, in milliseconds:
 * 30 000, in every Kit requester (NATS, AMQP, Kafka, SQS). A requester's `timeout` option
 * overrides it; a context's deadline, when there is one, bounds the wait instead.
 */
export const defaultReplyTimeout = 30_000;

/**
 * Where a requester sends its requests, and how long it waits for a reply when the caller gave
 * no deadline: made once per requester by {@link replyTarget}, passed with every call to
 * {@link ReplyCorrelator.call}.
 */
export interface ReplyTarget {
  /** The broker and the address, as errors name it: `NATS svc.sum`, `Kafka topic sum`. */
  readonly name: string;
  /** The address alone (a subject, a routing key, a topic, a queue URL), for {@link ReplyCorrelator.failAll}. */
  readonly address: string;
  /** The wait bound of a call whose context has no deadline, in milliseconds. */
  readonly timeout: number;
}

/**
 * Describes where a requester sends its requests, checking its `timeout` option: milliseconds
 * above 0, {@link defaultReplyTimeout} when `undefined`. The option means the same in every Kit
 * requester: how long a call whose context has no deadline waits for its reply on this side;
 * it is never sent (only a context's deadline travels, as `kit-timeout`).
 *
 * @param broker - the broker's name in errors (`"NATS"`, `"AMQP"`, `"Kafka"`, `"SQS"`)
 * @param address - where requests go (a subject, a routing key, a topic, a queue URL)
 * @param timeout - the requester's `timeout` option
 * @throws RangeError when `timeout` is not a number of milliseconds above 0
 *
 * @example
 * ```ts
 * const target = replyTarget("NATS", "svc.sum", options.timeout);
 * ```
 */
export function replyTarget(broker: string, address: string, timeout: number = defaultReplyTimeout): ReplyTarget {
  if (typeof timeout !== "number" || !(timeout > 0) || !Number.isFinite(timeout)) {
    throw new RangeError(`timeout must be milliseconds above 0, got ${String(timeout)}`);
  }
  return { name: `${broker} ${address}`, address, timeout };
}

/** A call waiting for its reply. */
interface Pending<R> {
  readonly id: string;
  readonly target: ReplyTarget;
  /** When the wait ends, in epoch milliseconds: the context's deadline, or now plus the target's timeout. */
  readonly expires: number;
  /** Whether `expires` is the target's timeout (the context had no deadline). */
  readonly bounded: boolean;
  readonly resolve: (reply: R) => void;
  readonly reject: (err: KitError) => void;
  readonly signal: AbortSignal;
  onAbort: (() => void) | undefined;
}

/** The background context's signal, which never aborts: calls on it need no listener. */
const never = background().signal;

/**
 * Puts a request on the broker: what {@link ReplyCorrelator.call} runs once the call is
 * registered, so a reply that comes at once is not missed. Its throw or rejection ends the call
 * with that error (a `KitError` as it is; anything else `unavailable`).
 */
export type SendRequest = () => Promise<unknown> | undefined;

/**
 * The calls of a request/reply client that wait for their replies, keyed by correlation id: the
 * one piece every Kit requester (NATS, AMQP, Kafka, SQS) uses, so a call ends the same way on
 * every broker:
 *
 * - with the reply a transport hands to {@link ReplyCorrelator.deliver};
 * - `deadline_exceeded` at the context's deadline, or after the target's `timeout` when the
 *   context has none ({@link defaultReplyTimeout}, 30 s): no call waits forever. Every deadline
 *   is on one timer ({@link Deadlines});
 * - the context signal's reason (`canceled`) when it aborts first;
 * - what the send threw, or what the transport gives {@link ReplyCorrelator.fail} /
 *   {@link ReplyCorrelator.failAll} (an unroutable request, a connection that closed:
 *   `unavailable`);
 * - the reason given to {@link ReplyCorrelator.close} (`canceled` when the requester is closed,
 *   `unavailable` when its connection went away), for the calls waiting and every later one.
 *
 * A reply that comes for no waiting call (late, or not ours) is dropped: `deliver` says so.
 *
 * @typeParam R - the transport's reply (its raw message, or a `Message`)
 *
 * @example
 * ```ts
 * const calls = new ReplyCorrelator<Msg>();
 * const target = replyTarget("NATS", "svc.sum", options.timeout);
 * // on each reply: calls.deliver(idOf(msg), msg)
 * const reply = await calls.call(ctx, id, target, () => nc.publish("svc.sum", body, { reply: inbox + id }));
 * ```
 */
export class ReplyCorrelator<R> {
  readonly #pending = new Map<string, Pending<R>>();
  readonly #deadlines = new Deadlines<Pending<R>>((entry) => {
    if (this.#end(entry)) entry.reject(expired(entry));
  });
  #closed: KitError | undefined;

  /** How many calls are waiting for their reply. */
  get waiting(): number {
    return this.#pending.size;
  }

  /**
   * Registers a call under `id`, runs `send`, and resolves with the reply that
   * {@link ReplyCorrelator.deliver} brings for `id`; every failure is a `KitError` (see the
   * class). The call is forgotten however it ends.
   *
   * @param ctx - the caller's context: its deadline bounds the wait, its signal cancels it
   * @param id - the correlation id, unique among the calls waiting
   * @param target - where the request goes, and the wait bound without a deadline
   * @param send - puts the request on the broker
   */
  call(ctx: Context, id: string, target: ReplyTarget, send: SendRequest): Promise<R> {
    if (this.#closed !== undefined) return Promise.reject(this.#closed);
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(toKitError(signal.reason));
    if (this.#pending.has(id)) return Promise.reject(new KitError(Code.Internal, `${target.name}: correlation id ${id} is already waiting for a reply`));
    return new Promise<R>((resolve, reject) => {
      const bounded = ctx.deadline === undefined;
      const expires = ctx.deadline ?? Date.now() + target.timeout;
      const entry: Pending<R> = { id, target, expires, bounded, resolve, reject, signal, onAbort: undefined };
      this.#pending.set(id, entry);
      this.#deadlines.add(entry);
      if (signal !== never) {
        entry.onAbort = () => {
          if (this.#end(entry)) reject(toKitError(signal.reason));
        };
        signal.addEventListener("abort", entry.onAbort, { once: true });
      }
      let sent: Promise<unknown> | undefined;
      try {
        sent = send();
      } catch (thrown) {
        this.fail(id, sendFailure(thrown));
        return;
      }
      if (sent !== undefined) {
        sent.then(undefined, (thrown: unknown) => {
          if (this.#pending.get(id) === entry) this.fail(id, sendFailure(thrown));
        });
      }
    });
  }

  /** Where the call waiting under `id` was sent, for an error that names it; `undefined` when none waits. */
  targetOf(id: string): ReplyTarget | undefined {
    return this.#pending.get(id)?.target;
  }

  /**
   * Hands `reply` to the call waiting under `id`.
   *
   * @returns whether a call was waiting; `false` for a late reply or one that is not ours, which
   *   the transport drops (and deletes, on a broker that keeps it)
   */
  deliver(id: string, reply: R): boolean {
    const entry = this.#pending.get(id);
    if (entry === undefined) return false;
    this.#end(entry);
    entry.resolve(reply);
    return true;
  }

  /**
   * Ends the call waiting under `id` with `err` (a request the broker could not route, a
   * refusal): the call rejects with it.
   *
   * @returns whether a call was waiting
   */
  fail(id: string, err: KitError): boolean {
    const entry = this.#pending.get(id);
    if (entry === undefined) return false;
    this.#end(entry);
    entry.reject(err);
    return true;
  }

  /**
   * Ends every call waiting with `err` (a connection or channel that closed: `unavailable`),
   * or only those sent to `address` when it is given. Later calls are taken as usual.
   *
   * @param err - what the calls reject with
   * @param address - only the calls to this {@link ReplyTarget.address}
   */
  failAll(err: KitError, address?: string): void {
    for (const entry of Array.from(this.#pending.values())) {
      if (address !== undefined && entry.target.address !== address) continue;
      this.#end(entry);
      entry.reject(err);
    }
  }

  /**
   * Ends every call waiting with `reason`, and rejects every later call with it at once: the
   * requester was closed (`canceled`) or its connection is gone for good (`unavailable`).
   * Closing again does nothing.
   *
   * @param reason - what the calls reject with
   */
  close(reason: KitError): void {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    this.failAll(reason);
  }

  /** Forgets `entry`; returns whether it was still waiting. */
  #end(entry: Pending<R>): boolean {
    if (this.#pending.get(entry.id) !== entry) return false;
    this.#pending.delete(entry.id);
    this.#deadlines.delete(entry);
    if (entry.onAbort !== undefined) entry.signal.removeEventListener("abort", entry.onAbort);
    return true;
  }
}

/** Why a call's wait ended at its deadline. */
function expired(entry: { readonly target: ReplyTarget; readonly bounded: boolean }): KitError {
  const { name, timeout } = entry.target;
  return entry.bounded
    ? new KitError(Code.DeadlineExceeded, `${name}: no reply within ${String(timeout)} ms`)
    : new KitError(Code.DeadlineExceeded, `${name}: no reply before the context's deadline`);
}

function sendFailure(thrown: unknown): KitError {
  return toKitError(thrown, Code.Unavailable);
}

/**
 * Wraps a requester's reply decoder so that a reply it cannot read fails the call with
 * `internal`, the server's fault, not the `invalid_argument` a decoder such as
 * `decodeJSONMessage` throws (which would blame the caller, and which retry middleware and
 * circuit breakers treat as the caller's). Other `KitError` codes pass through; anything else
 * thrown is `internal` too.
 *
 * @param decode - the requester's decoder
 * @param target - names the requester in the error
 *
 * @example
 * ```ts
 * const call = messagePublisher(send, encode, replyDecoder(decode, target), options);
 * ```
 */
export function replyDecoder<Res>(decode: DecodeMessage<Res>, target: ReplyTarget): DecodeMessage<Res> {
  const unreadable = (thrown: unknown): never => {
    throw malformedReply(thrown, `${target.name}: `);
  };
  return (ctx, message) => {
    try {
      const decoded = decode(ctx, message);
      return decoded instanceof Promise ? decoded.catch(unreadable) : decoded;
    } catch (thrown) {
      return unreadable(thrown);
    }
  };
}
