import { Code, KitError, toKitError, type Context, type Endpoint } from "@kit/endpoint";
import type { MessageDriver } from "../../message-driver.ts";
import type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "../../message.ts";
import type { SubscriberAfter, SubscriberBefore } from "../../subscriber-options.ts";
import { readTimeout } from "../../timeout.ts";
import type { Failure } from "./decide.ts";
import type { Delivery } from "./delivery.ts";
import { SlotDeadlines } from "./slot-deadlines.ts";

/** What {@link Attempts} runs: the endpoint, its codecs and hooks, and where an attempt's end goes. */
export interface AttemptParts<Req, Res, M extends Message> {
  readonly driver: MessageDriver<M>;
  readonly endpoint: Endpoint<Req, Res>;
  readonly decode: DecodeMessage<Req>;
  readonly encode: EncodeMessage<Res>;
  readonly before: readonly SubscriberBefore[];
  readonly after: readonly SubscriberAfter[];
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Called once when an attempt ends: `undefined` when it succeeded, else why it failed. */
  readonly ended: (delivery: Delivery<M>, failure: Failure | undefined) => void;
  /** The deliveries that hold a slot now, among which every running attempt is. */
  readonly held: () => readonly Delivery<M>[];
}

/** The body a reply starts with, until the encoder sets one: shared, since an empty array cannot change. */
const noBody = new Uint8Array(0);

/** Whether `value` is a promise (or any thenable), so that a plain value is used without an await. */
function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Runs attempts at messages, each the same way, hooks or not: the message's deadline, the
 * `before` hooks, decode, the endpoint, the `after` hooks, encode, and the reply when the
 * message has a reply address. Each step goes on from the one before by a callback, so a step
 * that returns a plain value costs no promise, and a message whose steps return promises costs
 * one reaction each and no suspended function.
 *
 * An attempt ends once, by {@link AttemptParts.ended}: when its last step succeeded, when a step
 * failed, or when its deadline passed (without waiting for the endpoint, which is then not
 * called if it had not been yet). The late end of an attempt that already ended changes
 * nothing, and no step runs on for a delivery that is no longer `running` (released): so a
 * released message is never replied to.
 */
export class Attempts<Req, Res, M extends Message> {
  readonly #parts: AttemptParts<Req, Res, M>;
  /** The deadlines of the running attempts, on one timer. */
  readonly #deadlines: SlotDeadlines<Delivery<M>>;
  /** When the batch being started was received (0: not read yet; read only for a message with a deadline). */
  #batchReceived = 0;

  constructor(parts: AttemptParts<Req, Res, M>) {
    this.#parts = parts;
    this.#deadlines = new SlotDeadlines(parts.held, (delivery) => {
      this.expire(delivery);
    });
  }

  /** A new batch was received: its clock is read when its first message with a deadline starts. */
  newBatch(): void {
    this.#batchReceived = 0;
  }

  /**
   * Starts an attempt at `delivery`. The message's `kit-timeout` counts from when its batch
   * was received, or, for a retry in place (`retried`), from now.
   */
  start(delivery: Delivery<M>, retried: boolean): void {
    const id = (delivery.runs += 1);
    delivery.live = id;
    delivery.timedOut = undefined;
    let ms: number | undefined;
    try {
      ms = readTimeout(delivery.message.headers);
    } catch (thrown) {
      delivery.open(undefined);
      delivery.stage = "decode"; // not retried: the header will not change
      this.#end(delivery, id, true, toKitError(thrown, Code.InvalidArgument));
      return;
    }
    const deadline = ms === undefined ? undefined : (retried ? Date.now() : (this.#batchReceived ||= Date.now())) + ms;
    delivery.open(deadline);
    if (ms === 0) {
      delivery.stage = "arrival"; // its caller's time was spent before it was received
      this.#end(delivery, id, true, new KitError(Code.DeadlineExceeded, "the message's deadline had passed when it was received"));
      return;
    }
    if (deadline !== undefined) this.#deadlines.watch(delivery, deadline);
    this.#before(delivery, id, 0);
  }

  /** Ends the running attempt at once with `deadline_exceeded`: its deadline passed. */
  expire(delivery: Delivery<M>): void {
    const reason = new KitError(Code.DeadlineExceeded, "context deadline exceeded");
    delivery.timedOut = reason;
    delivery.cancel(reason);
    this.#end(delivery, delivery.live, true, reason);
  }

  /** Runs `before` hook `index` (each returns the context the next one gets), then decodes. */
  #before(delivery: Delivery<M>, id: number, index: number): void {
    const hook = this.#parts.before[index];
    if (hook === undefined) {
      this.#decode(delivery, id);
      return;
    }
    delivery.stage = "endpoint"; // a before hook's failure counts as the endpoint's
    this.#step(delivery, id, () => hook(delivery.ctx, delivery.message), (ctx: Context) => {
      delivery.ctx = ctx;
      this.#before(delivery, id, index + 1);
    });
  }

  #decode(delivery: Delivery<M>, id: number): void {
    delivery.stage = "decode";
    let request: Req | PromiseLike<Req>;
    try {
      request = this.#parts.decode(delivery.ctx, delivery.message);
    } catch (thrown) {
      this.#end(delivery, id, true, thrown);
      return;
    }
    this.#then(delivery, id, request, this.#call);
  }

  /** The endpoint, on a decoded request (not called when the attempt ended while it was decoded). */
  readonly #call = (delivery: Delivery<M>, id: number, request: Req): void => {
    delivery.stage = "endpoint";
    let response: Res | PromiseLike<Res>;
    try {
      response = this.#parts.endpoint(delivery.ctx, request);
    } catch (thrown) {
      this.#end(delivery, id, true, thrown);
      return;
    }
    this.#then(delivery, id, response, this.#respond);
  };

  /** After the endpoint: the `after` hooks and the reply, where there are any. */
  readonly #respond = (delivery: Delivery<M>, id: number, response: Res): void => {
    if (this.#parts.after.length === 0 && delivery.message.reply === undefined) {
      this.#end(delivery, id, false);
      return;
    }
    this.#after(delivery, id, response, { body: noBody, headers: new Map<string, string>() }, 0);
  };

  /** Runs `after` hook `index` on the reply being made, then encodes and sends it. */
  // eslint-disable-next-line max-params -- one step of the chain: the attempt, the response, the reply, the hook
  #after(delivery: Delivery<M>, id: number, response: Res, reply: OutgoingMessage, index: number): void {
    const hook = this.#parts.after[index];
    if (hook === undefined) {
      this.#encode(delivery, id, response, reply);
      return;
    }
    this.#step(delivery, id, () => hook(delivery.ctx, reply), (ctx: Context) => {
      delivery.ctx = ctx;
      this.#after(delivery, id, response, reply, index + 1);
    });
  }

  /** Encodes the response into the reply, for a message that has a reply address. */
  #encode(delivery: Delivery<M>, id: number, response: Res, reply: OutgoingMessage): void {
    if (delivery.message.reply === undefined) {
      this.#end(delivery, id, false);
      return;
    }
    let encoding: void | Promise<void>;
    try {
      encoding = this.#parts.encode(delivery.ctx, response, reply);
    } catch (thrown) {
      this.#end(delivery, id, true, thrown);
      return;
    }
    if (!isPromiseLike(encoding)) {
      if (delivery.current(id)) this.#reply(delivery, id, reply); // the usual encoder: no closure to wait for it
      return;
    }
    this.#then(delivery, id, encoding, () => {
      this.#reply(delivery, id, reply);
    });
  }

  /** Sends the reply, unless the attempt ended meanwhile (its deadline, or a release). */
  #reply(delivery: Delivery<M>, id: number, reply: OutgoingMessage): void {
    delivery.stage = "reply";
    const { driver } = this.#parts;
    let sending: Promise<void>;
    try {
      if (driver.reply === undefined) throw new KitError(Code.Unimplemented, "this transport cannot send replies");
      sending = driver.reply(delivery.message, reply);
    } catch (thrown) {
      this.#end(delivery, id, true, thrown);
      return;
    }
    this.#then(delivery, id, sending, this.#replied);
  }

  readonly #replied = (delivery: Delivery<M>, id: number): void => {
    this.#end(delivery, id, false);
  };

  /** Runs `work`; hands what it gives to `next` now or once it resolves, while attempt `id` is current. */
   
  #step<T>(delivery: Delivery<M>, id: number, work: () => T | PromiseLike<T>, next: (value: T) => void): void {
    let value: T | PromiseLike<T>;
    try {
      value = work();
    } catch (thrown) {
      this.#end(delivery, id, true, thrown);
      return;
    }
    this.#then(delivery, id, value, (_delivery, _id, resolved) => {
      next(resolved);
    });
  }

  /** Hands `value` to `next` now, or once it resolves, while attempt `id` is current; a rejection ends it, failed. */
   
  #then<T>(delivery: Delivery<M>, id: number, value: T | PromiseLike<T>, next: (delivery: Delivery<M>, id: number, value: T) => void): void {
    if (!isPromiseLike(value)) {
      if (delivery.current(id)) next(delivery, id, value);
      return;
    }
    value.then(
      (resolved) => {
        if (delivery.current(id)) next(delivery, id, resolved);
      },
      (thrown: unknown) => {
        this.#end(delivery, id, true, thrown);
      },
    );
  }

  /**
   * Ends attempt `id`, once: stops watching its deadline and hands its outcome on, the failure
   * classified by the stage it failed in. An attempt of a delivery released meanwhile ends
   * silently (its slot is free already; nothing more is done for it).
   */
   
  #end(delivery: Delivery<M>, id: number, failed: boolean, thrown?: unknown): void {
    if (delivery.live !== id || id === 0) return;
    delivery.live = 0;
    this.#deadlines.unwatch(delivery);
    if (delivery.state !== "running") return;
    if (!failed) {
      this.#parts.ended(delivery, undefined);
      return;
    }
    const { stage } = delivery;
    const fallback = stage === "decode" ? Code.InvalidArgument : stage === "reply" ? Code.Unavailable : Code.Internal;
    const error = toKitError(thrown, fallback);
    this.#parts.observe(delivery.ctx, error);
    this.#parts.ended(delivery, { error, thrown, stage, timedOut: thrown === delivery.timedOut });
  }
}
