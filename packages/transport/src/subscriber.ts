import {
  background,
  Code,
  isRetryable,
  KitError,
  toKitError,
  type Context,
  type Endpoint,
} from "@kit/endpoint";
import { exponentialBackoff, type Backoff } from "./backoff.ts";
import { Deadlines } from "./deadlines.ts";
import { AttemptContext } from "./internal/attempt-context.ts";
import type { MessageDriver } from "./message-driver.ts";
import { defaultErrorHandler, observeErrors, type ErrorHandler } from "./error-handler.ts";
import { sleep } from "./internal/sleep.ts";
import { attemptsHeader, writeError } from "./message-error.ts";
import type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "./message.ts";
import { readTimeout } from "./timeout.ts";

/**
 * Runs for each delivery before decoding, Go kit's `RequestFunc` for messages: reads the
 * message's headers (trace context, credentials) into the context it returns. Throwing fails
 * the attempt like an endpoint error with the same code.
 */
export type SubscriberBefore = (ctx: Context, message: Message) => Context | Promise<Context>;

/**
 * Runs after the endpoint succeeds, before the reply is encoded, Go kit's
 * `ServerResponseFunc` for messages: sets reply headers and returns the context. It runs for
 * every message; the reply is sent only when the message has a reply address.
 */
export type SubscriberAfter = (ctx: Context, reply: OutgoingMessage) => Context | Promise<Context>;

/**
 * Writes an error into the reply to a request that failed for good; the default writes the
 * `kit-error-code` and `kit-error-message` headers ({@link writeError}) with an empty body.
 */
export type MessageErrorEncoder = (ctx: Context, err: KitError, reply: OutgoingMessage) => void | Promise<void>;

/**
 * What the subscriber runtime did with a delivery:
 *
 * - `"succeeded"`: the endpoint (and the reply, if any) succeeded; the message was acknowledged;
 * - `"retried"`: it failed with a retryable code and will be tried again after a backoff;
 * - `"dead-lettered"`: it failed for good (a non-retryable code, a message that cannot be
 *   decoded, or `maxAttempts` used up) and went to the dead letter;
 * - `"released"`: it was given back to the broker unhandled, to be delivered again (the
 *   subscriber closed, or the broker refused to settle it).
 */
export type MessageDecision = "succeeded" | "retried" | "dead-lettered" | "released";

/** What a {@link SubscriberFinalizer} learns about one delivery. */
export interface MessageOutcome {
  /** What the runtime did with the message. */
  readonly decision: MessageDecision;
  /** The message. */
  readonly message: Message;
  /** Which attempt this was, counting from 1. */
  readonly attempt: number;
  /** Why it failed; `undefined` when it succeeded or was released unstarted. */
  readonly error: KitError | undefined;
  /** For `"retried"`, how long until the next attempt, in milliseconds. */
  readonly delay: number | undefined;
}

/**
 * Runs once for each decision the runtime makes about a delivery (see
 * {@link MessageDecision}), whatever happened, Go kit's `ServerFinalizerFunc`: count and log
 * messages here. Anything it throws goes to the error handler.
 */
export type SubscriberFinalizer = (ctx: Context, outcome: MessageOutcome) => void | Promise<void>;

/** Options for {@link runSubscriber}, and for every broker package's `subscriber`. */
export interface SubscriberOptions {
  /** Hooks run in order before decoding; each returns the context the next one gets. */
  readonly before?: readonly SubscriberBefore[];
  /** Hooks run in order after the endpoint succeeds, before the reply is encoded. */
  readonly after?: readonly SubscriberAfter[];
  /** Writes the error reply to a request that failed for good; defaults to {@link writeError}. */
  readonly errorEncoder?: MessageErrorEncoder;
  /**
   * Observes every error: decode, endpoint, reply and broker failures, and messages released
   * because `close()` timed out. Defaults to {@link defaultErrorHandler}, which writes one
   * warning line per error to stderr.
   */
  readonly errorHandler?: ErrorHandler;
  /** Hooks run for every decision about every delivery. */
  readonly finalizer?: readonly SubscriberFinalizer[];
  /**
   * How many messages run at once (default 16). The subscriber takes no more than that off
   * the broker: a message is fetched only when a slot is free. An attempt abandoned at its
   * deadline or at `closeTimeout` frees its slot while its endpoint may still be running, so
   * endpoints should stop when `ctx.signal` aborts.
   */
  readonly concurrency?: number;
  /** How many attempts a message gets before it goes to the dead letter (default 5). */
  readonly maxAttempts?: number;
  /**
   * The wait before the next attempt after a retryable failure, and between failed receives;
   * defaults to {@link exponentialBackoff} (100 ms doubling to 30 s, full jitter).
   */
  readonly backoff?: Backoff;
  /**
   * How long `close()` waits for messages in flight, in milliseconds (default 30 000); then
   * their contexts are canceled and they are released to the broker.
   */
  readonly closeTimeout?: number;
}

/** A running subscriber. */
export interface Subscriber {
  /**
   * Resolves once the subscriber has checked that it can work (its source and dead-letter
   * destination exist and it may use them; see {@link MessageDriver.ready}) and is receiving.
   * Rejects with a `KitError` when it cannot: `not_found`, `permission_denied` or `unavailable`;
   * the subscriber has then stopped, and reported why to its error handler. Rejects with
   * `canceled` when `close()` came first. Awaiting it is optional: a rejection nobody awaits
   * never crashes the process.
   */
  readonly ready: Promise<void>;
  /**
   * Stops receiving, waits for the messages in flight to finish and be settled (up to
   * `closeTimeout`), releases those that did not, then resolves. Calling it again returns the
   * same promise.
   */
  close(): Promise<void>;
  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

type Stage = "decode" | "endpoint" | "reply";

interface Failure {
  readonly error: KitError;
  readonly retry: boolean;
  readonly stage: Stage;
}

interface Task<M> {
  readonly message: M;
  attempt: number;
  /** The attempt's context, as the hooks left it. */
  ctx: Context;
  /** The attempt's own context, which the runtime cancels; `undefined` before the first attempt. */
  scope: AttemptContext | undefined;
  state: "running" | "settling" | "released";
  /** Where the attempt is, so a failure is classified by it. */
  stage: Stage;
  /** For an attempt with a deadline: when it expires (epoch ms; 0 when not watched), and what it expired with. */
  expires: number;
  timedOut: KitError | undefined;
  /** How many attempts were started here, and which one is running (0: none), so that each ends once. */
  runs: number;
  live: number;
  /** What to do when the running attempt ends (see `ended`). */
  next: (task: Task<M>, failure: Failure | undefined) => void;
}

/**
 * The reason an attempt's context is canceled with once the attempt is over (settled, or
 * waiting to retry): one shared error, since making one per message costs more than the rest
 * of the cancel, and nothing but work the endpoint left running can see it.
 */
const settled = new KitError(Code.Canceled, "the message was settled; its context is over");

/** The body a reply starts with, until the encoder sets one: shared, since an empty array cannot change. */
const noBody = new Uint8Array(0);

/** How long the runtime waits for room for a whole batch (see `MessageDriver.batch`), in ms. */
const batchLinger = 20;

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  return value;
}

/**
 * The message-subscriber runtime that every Kit message transport runs on: it receives from
 * a broker through a {@link MessageDriver}, runs the endpoint on each message, and decides
 * what happens to it. Broker packages wrap it as their `subscriber(…)`; applications rarely
 * call it directly.
 *
 * - **Bounded concurrency with backpressure**: at most `concurrency` messages run at once,
 *   and the driver is asked for no more than there are free slots.
 * - **Ack after success**: a message is acknowledged only after the endpoint, and the reply
 *   where the message has a reply address, have succeeded.
 * - **Retries**: an error with a retryable code (`unavailable`, `deadline_exceeded`,
 *   `resource_exhausted`, `aborted`; see `isRetryable`) or a failed reply is tried again after
 *   `backoff(attempt)`, up to `maxAttempts`, by broker redelivery or in place (see
 *   {@link RetryMode}).
 * - **Dead letter**: a non-retryable error, a message that cannot be decoded (or has a
 *   malformed `kit-timeout`), or the last failed attempt goes to the dead letter at once, with
 *   `kit-error-code`, `kit-error-message` and `kit-attempts` headers; a request is also
 *   answered with the error. Nothing is dropped silently.
 * - **Deadlines**: a `kit-timeout` header becomes the context's deadline; when it passes, the
 *   attempt fails with `deadline_exceeded` without waiting for the endpoint.
 * - **Drain**: `close()` stops receiving, waits for what is in flight up to `closeTimeout`,
 *   then cancels and releases the rest.
 *
 * @param driver - the broker package's driver
 * @param endpoint - the endpoint to run on each message
 * @param decode - turns a message into the endpoint's request, such as `decodeJSONMessage`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - hooks, limits, retries and the close timeout
 *
 * @example
 * ```ts
 * const sub = runSubscriber(natsDriver(nc, "orders"), placeOrder, decodeJSONMessage(Order), encodeJSONMessage, {
 *   concurrency: 8,
 *   maxAttempts: 3,
 * });
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewSubscriber(endpoint, dec, enc, options...), with the broker in front
export function runSubscriber<Req, Res, M extends Message>(
  driver: MessageDriver<M>,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: SubscriberOptions = {},
): Subscriber {
  const { before = [], after = [], finalizer = [], closeTimeout = 30_000 } = options;
  const concurrency = positiveInteger("concurrency", options.concurrency ?? 16);
  const maxAttempts = positiveInteger("maxAttempts", options.maxAttempts ?? 5);
  if (!(closeTimeout >= 0)) throw new RangeError(`closeTimeout must be milliseconds, got ${closeTimeout}`);
  const backoff = options.backoff ?? exponentialBackoff();
  const errorEncoder: MessageErrorEncoder =
    options.errorEncoder ??
    ((_ctx, err, reply) => {
      writeError(reply.headers, err);
    });
  if (driver.retry === "redeliver" && driver.retryLater === undefined) {
    throw new TypeError('a driver whose retry mode is "redeliver" must implement retryLater');
  }
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const isAborted = (signal: AbortSignal): boolean => signal.aborted; // read afresh after awaits

  const finalize = async (task: Task<M>, outcome: MessageOutcome): Promise<void> => {
    for (const hook of finalizer) {
      try {
        await hook(task.ctx, outcome);
      } catch (thrown) {
        observe(task.ctx, toKitError(thrown));
      }
    }
  };

  const outcome = (task: Task<M>, decision: MessageDecision, error?: KitError, delay?: number): MessageOutcome => ({
    decision,
    message: task.message,
    attempt: task.attempt,
    error,
    delay,
  });

  /** The driver call that carries out a decision (`headers` for a dead letter, `delay` for a retry). */
  const carryOut = (task: Task<M>, decision: MessageDecision, delay: number, headers: ReadonlyMap<string, string> | undefined): Promise<void> => {
    switch (decision) {
      case "succeeded":
        return driver.ack(task.message) ?? Promise.resolve();
      case "retried":
        return driver.retryLater?.(task.message, delay) ?? Promise.resolve();
      case "dead-lettered":
        return driver.deadLetter(task.message, headers ?? new Map<string, string>());
      case "released":
        return driver.release(task.message);
    }
  };

  /**
   * Settles a message with the driver call for `decision`; when that fails, releases it
   * instead. The outcome object is made only when there are finalizers to see it.
   */
  // eslint-disable-next-line max-params -- internal; the outcome's parts, so that no object is made for nobody
  const settle = async (task: Task<M>, decision: MessageDecision, error?: KitError, delay?: number, headers?: ReadonlyMap<string, string>): Promise<void> => {
    task.state = decision === "released" ? "released" : "settling";
    try {
      await carryOut(task, decision, delay ?? 0, headers);
    } catch (thrown) {
      await settleFailed(task, decision, thrown);
      return;
    }
    if (finalizer.length > 0) await finalize(task, outcome(task, decision, error, delay));
    task.scope?.cancel(settled);
  };

  /** After the driver call for `decision` failed: releases the message instead (unless that was the call). */
  const settleFailed = async (task: Task<M>, decision: MessageDecision, thrown: unknown): Promise<void> => {
    const why = toKitError(thrown, Code.Unavailable);
    observe(task.ctx, why);
    if (decision !== "released") {
      try {
        await driver.release(task.message);
      } catch (again) {
        observe(task.ctx, toKitError(again, Code.Unavailable));
      }
    }
    if (finalizer.length > 0) await finalize(task, outcome(task, "released", why));
    task.scope?.cancel(settled);
  };

  const release = async (task: Task<M>, reason: KitError | undefined): Promise<void> => {
    task.state = "released";
    task.scope?.cancel(reason ?? closed());
    await settle(task, "released", reason);
    finish(task); // its endpoint may still be running; the slot is free and close() need not wait for it
  };

  /**
   * Decode, endpoint, reply, with the hooks: the path for a subscriber that has any. It stops at
   * the first step after attempt `id` ended (its deadline passed), so it never touches the task
   * an in-place retry is using.
   */
  const hookedWork = async (task: Task<M>, id: number): Promise<void> => {
    const { message } = task;
    task.stage = "endpoint"; // a before hook's failure counts as the endpoint's
    for (const hook of before) {
      const ctx = await hook(task.ctx, message);
      if (task.live !== id) return;
      task.ctx = ctx;
    }
    task.stage = "decode";
    const decoded = decode(task.ctx, message);
    const request = isPromiseLike(decoded) ? await decoded : decoded;
    if (task.live !== id) return;
    task.stage = "endpoint";
    const response = await endpoint(task.ctx, request);
    if (task.live !== id || (after.length === 0 && message.reply === undefined)) return;
    const reply: OutgoingMessage = { body: noBody, headers: new Map<string, string>() };
    for (const hook of after) {
      const ctx = await hook(task.ctx, reply);
      if (task.live !== id) return;
      task.ctx = ctx;
    }
    if (message.reply !== undefined) await answer(task, message, response, reply);
  };
  const hooked = before.length > 0 || after.length > 0;

  /** Encodes the response into `reply` and sends it to the message's reply address. */
  const answer = async (task: Task<M>, message: M, response: Res, reply: OutgoingMessage): Promise<void> => {
    const encoding = encode(task.ctx, response, reply);
    if (encoding !== undefined) await encoding;
    task.stage = "reply";
    if (driver.reply === undefined) throw new KitError(Code.Unimplemented, "this transport cannot send replies");
    await driver.reply(message, reply);
  };

  /** Attempts with a deadline, on one timer: one that expires ends at once, failed, without waiting for its endpoint. */
  const deadlines = new Deadlines<Task<M>>((task) => {
    task.expires = 0; // no longer watched
    expire(task);
  });

  const expire = (task: Task<M>): void => {
    const reason = new KitError(Code.DeadlineExceeded, "context deadline exceeded");
    task.timedOut = reason;
    task.scope?.cancel(reason);
    ended(task, task.live, true, reason);
  };

  /**
   * Ends attempt `run` of `task` and hands what came of it to `task.next`: `undefined` when it
   * succeeded, else the failure, classified by the stage it failed in. Only the first end of an
   * attempt counts: an endpoint that finishes after its deadline ended the attempt changes nothing.
   */
  const ended = (task: Task<M>, run: number, failed: boolean, thrown?: unknown): void => {
    if (task.live !== run || run === 0) return;
    task.live = 0;
    if (task.expires !== 0) {
      deadlines.delete(task);
      task.expires = 0;
    }
    let failure: Failure | undefined;
    if (failed && task.state !== "released") {
      const { stage } = task;
      const fallback = stage === "decode" ? Code.InvalidArgument : stage === "reply" ? Code.Unavailable : Code.Unknown;
      const error = toKitError(thrown, fallback);
      observe(task.ctx, error);
      const timedOut = thrown === task.timedOut;
      failure = { error, stage, retry: (timedOut || stage !== "decode") && isRetryable(error.code) };
    }
    task.next(task, failure);
  };

  /**
   * Starts an attempt: decode, endpoint, reply; when it ends, {@link ended} hands the outcome to
   * `task.next`. A message with a deadline (`kit-timeout`) fails at the deadline without waiting
   * for the endpoint; the runtime watches all such deadlines on one timer ({@link Deadlines}),
   * and the endpoint's context has the deadline and is canceled with `deadline_exceeded` at it.
   * A message without one is ended early only by `close()`, which releases it itself. So a
   * message costs no `AbortController`, no listener and no timer of its own unless its endpoint
   * reads `ctx.signal`.
   *
   * Driven by callbacks, not async functions: a message that succeeds goes through decode,
   * endpoint and ack with one promise reaction per step and no suspended frames, which halved
   * the runtime's cost per message. Whatever leaves the usual path (a failure, a retry, a
   * finalizer) goes on in the async {@link recover} and {@link settle}.
   */
  const run = (task: Task<M>, retried: boolean): void => {
    const id = (task.runs += 1);
    task.live = id;
    let ms: number | undefined;
    let malformed: KitError | undefined;
    try {
      ms = readTimeout(task.message.headers);
    } catch (thrown) {
      malformed = toKitError(thrown, Code.InvalidArgument);
    }
    // One context per attempt: its deadline is the message's kit-timeout, if it has one.
    // The kit-timeout counts from when the message was received, or from the retry in place.
    const deadline = ms === undefined ? undefined : (retried ? Date.now() : batchClock()) + ms;
    const ctx = new AttemptContext(deadline);
    task.ctx = ctx;
    task.scope = ctx;
    task.timedOut = undefined;
    if (malformed !== undefined) {
      task.stage = "decode"; // not retried: the header will not change
      ended(task, id, true, malformed);
      return;
    }
    if (ms !== undefined && deadline !== undefined) {
      if (ms <= 0) {
        expire(task); // expired on arrival: the endpoint is not called
        return;
      }
      task.expires = deadline;
      deadlines.add(task);
    }
    if (hooked) {
      hookedWork(task, id).then(
        () => {
          ended(task, id, false);
        },
        (thrown: unknown) => {
          ended(task, id, true, thrown);
        },
      );
      return;
    }
    task.stage = "decode";
    let decoded: Req | PromiseLike<Req>;
    try {
      decoded = decode(ctx, task.message);
    } catch (thrown) {
      ended(task, id, true, thrown);
      return;
    }
    proceed(task, id, decoded, call);
  };

  /** Hands `value` to `next` now, or once it resolves; a rejection ends attempt `id`, failed. */
  const proceed = <T>(task: Task<M>, id: number, value: T | PromiseLike<T>, next: (task: Task<M>, id: number, value: T) => void): void => {
    if (!isPromiseLike(value)) {
      next(task, id, value);
      return;
    }
    value.then(
      (resolved) => {
        next(task, id, resolved);
      },
      (thrown: unknown) => {
        ended(task, id, true, thrown);
      },
    );
  };

  /** The endpoint, on a decoded request. */
  const call = (task: Task<M>, id: number, request: Req): void => {
    if (task.live !== id) return; // its deadline passed while it was decoded: the endpoint is not called
    task.stage = "endpoint";
    let response: Res | PromiseLike<Res>;
    try {
      response = endpoint(task.ctx, request);
    } catch (thrown) {
      ended(task, id, true, thrown);
      return;
    }
    proceed(task, id, response, respond);
  };

  /** After the endpoint: the reply, for a message that has a reply address. */
  const respond = (task: Task<M>, id: number, response: Res): void => {
    if (task.live !== id) return;
    const { message } = task;
    if (message.reply === undefined) {
      ended(task, id, false);
      return;
    }
    answer(task, message, response, { body: noBody, headers: new Map<string, string>() }).then(
      () => {
        ended(task, id, false);
      },
      (thrown: unknown) => {
        ended(task, id, true, thrown);
      },
    );
  };

  /** One attempt as a promise of why it failed (`undefined`: it succeeded), for retries in place. */
  const attempt = (task: Task<M>): Promise<Failure | undefined> =>
    new Promise((resolve) => {
      task.next = (_task, failure) => {
        resolve(failure);
      };
      run(task, true);
    });

  /** What comes after a message's first attempt: its ack, on the usual path, without an async function. */
  const afterFirst = (task: Task<M>, failure: Failure | undefined): void => {
    if (task.state === "released") return; // release() settled it and freed its slot
    if (failure !== undefined) {
      guard(task, recover(task, failure));
      return;
    }
    if (finalizer.length > 0) {
      guard(task, settle(task, "succeeded"));
      return;
    }
    task.state = "settling";
    let acking: Promise<void> | undefined;
    try {
      acking = driver.ack(task.message);
    } catch (thrown) {
      guard(task, settleFailed(task, "succeeded", thrown));
      return;
    }
    if (acking === undefined) {
      task.scope?.cancel(settled);
      finish(task);
      return;
    }
    acking.then(
      () => {
        task.scope?.cancel(settled);
        finish(task);
      },
      (thrown: unknown) => {
        guard(task, settleFailed(task, "succeeded", thrown));
      },
    );
  };

  /** Frees the task's slot once `settling` is done; what it throws is a bug, and goes to the error handler. */
  const guard = (task: Task<M>, settling: Promise<void>): void => {
    settling.then(
      () => {
        finish(task);
      },
      (thrown: unknown) => {
        observe(task.ctx, toKitError(thrown, Code.Internal));
        finish(task);
      },
    );
  };

  /** Answers a request that failed for good, best effort: the message goes to the dead letter anyway. */
  const answerError = async (task: Task<M>, error: KitError): Promise<void> => {
    if (driver.reply === undefined || task.message.reply === undefined) return;
    try {
      const reply: OutgoingMessage = { body: noBody, headers: new Map<string, string>() };
      await errorEncoder(task.ctx, error, reply);
      await driver.reply(task.message, reply);
    } catch (thrown) {
      observe(task.ctx, toKitError(thrown, Code.Unavailable));
    }
  };

  /** After a failed attempt: retries (by redelivery, or here after a backoff) or dead-letters the message. */
  const recover = async (task: Task<M>, first: Failure): Promise<void> => {
    for (let failure: Failure | undefined = first; failure !== undefined; failure = await attempt(task)) {
      if (task.state === "released") return;
      const { error } = failure;
      if (failure.retry && task.attempt < maxAttempts) {
        const delay = Math.max(0, backoff(task.attempt));
        if (driver.retry === "redeliver") {
          await settle(task, "retried", error, delay);
          return;
        }
        await finalize(task, outcome(task, "retried", error, delay));
        task.scope?.cancel(settled);
        await sleep(delay, stop.signal);
        if (task.state !== "running") return;
        if (isAborted(stop.signal)) {
          await release(task, undefined);
          return;
        }
        task.attempt += 1;
        continue;
      }
      task.state = "settling";
      if (failure.stage !== "reply") await answerError(task, error);
      const headers = new Map<string, string>();
      writeError(headers, error);
      headers.set(attemptsHeader, String(task.attempt));
      await settle(task, "dead-lettered", error, undefined, headers);
      return;
    }
    if (task.state === "running") await settle(task, "succeeded"); // a retry in place succeeded
  };


  /**
   * When the batch being started was received: one clock reading for all its messages, taken
   * only if one of them has a kit-timeout (0: not read yet).
   */
  let batchRead = 0;
  const batchClock = (): number => (batchRead ||= Date.now());

  const stop = new AbortController();
  const tasks = new Set<Task<M>>();
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  let onEmpty: (() => void) | undefined;
  /** Resolves once no message is in the runtime's hands. */
  const emptied = (): Promise<void> =>
    tasks.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const previous = onEmpty;
          onEmpty = () => {
            previous?.();
            resolve();
          };
        });
  /** Frees a task's slot; calling it again does nothing. */
  const finish = (task: Task<M>): void => {
    if (!tasks.delete(task)) return;
    notify();
    if (tasks.size === 0 && onEmpty !== undefined) {
      const resolve = onEmpty;
      onEmpty = undefined;
      resolve();
    }
  };

  const start = (message: M, releaseAt: KitError | "closed" | undefined): void => {
    const attempts = Number.isInteger(message.attempt) && message.attempt > 1 ? message.attempt : 1;
    const task: Task<M> = {
      message,
      attempt: attempts,
      ctx: background(),
      scope: undefined,
      state: "running",
      stage: "endpoint",
      expires: 0,
      timedOut: undefined,
      runs: 0,
      live: 0,
      next: afterFirst,
    };
    tasks.add(task);
    if (releaseAt === undefined) {
      try {
        run(task, false);
      } catch (thrown) {
        observe(task.ctx, toKitError(thrown, Code.Internal));
        finish(task);
      }
      return;
    }
    release(task, releaseAt === "closed" ? undefined : releaseAt).catch((thrown: unknown) => {
      observe(task.ctx, toKitError(thrown, Code.Internal));
      finish(task);
    });
  };

  /** The driver's check, before anything is received; a failure stops the subscriber. */
  const ready = (async (): Promise<void> => {
    if (driver.ready === undefined) return; // nothing to check: the first receive starts at once
    try {
      await driver.ready?.(stop.signal);
    } catch (thrown) {
      if (isAborted(stop.signal)) throw closedBeforeReady();
      const why = toKitError(thrown, Code.Unavailable);
      observe(background(), why);
      stop.abort(why);
      throw why;
    }
    if (isAborted(stop.signal)) throw closedBeforeReady();
  })();
  ready.catch(() => undefined); // awaiting it is optional; the error handler was told

  const loop = (async (): Promise<void> => {
    if (driver.ready !== undefined) {
      try {
        await ready;
      } catch {
        return;
      }
    }
    let failures = 0;
    const batch = Math.min(concurrency, driver.batch ?? 1);
    let lingerUntil: number | undefined;
    while (!stop.signal.aborted) {
      const room = concurrency - tasks.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      // A broker that receives in batches: while messages run, wait a moment for room for a
      // whole batch rather than fetch a few at a time.
      if (room < batch && tasks.size > 0) {
        lingerUntil ??= Date.now() + batchLinger;
        const left = lingerUntil - Date.now();
        if (left > 0) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, left);
          });
          clearTimeout(timer);
          continue;
        }
      }
      lingerUntil = undefined;
      let received: readonly M[];
      try {
        received = await driver.receive(room, stop.signal);
        failures = 0;
      } catch (thrown) {
        if (isAborted(stop.signal)) break;
        failures += 1;
        observe(background(), toKitError(thrown, Code.Unavailable));
        await sleep(Math.max(10, backoff(failures)), stop.signal);
        continue;
      }
      let started = 0;
      batchRead = 0; // a new batch: its clock is read by its first message with a kit-timeout
      for (const message of received) {
        if (isAborted(stop.signal)) start(message, "closed");
        else if (started >= room) start(message, new KitError(Code.Internal, `the driver returned more than the ${room} messages asked for`));
        else start(message, undefined);
        started += 1;
      }
    }
  })();

  const drain = async (): Promise<void> => {
    stop.abort(closed());
    notify();
    let timer: NodeJS.Timeout | undefined;
    const deadline = { expired: false }; // an object: the timer changes it
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        deadline.expired = true;
        resolve();
      }, closeTimeout);
    });
    const expired = (): boolean => deadline.expired;
    try {
      await Promise.race([loop, timeout]);
      if (!expired()) await Promise.race([emptied(), timeout]);
      if (expired()) {
        const reason = new KitError(Code.Canceled, `subscriber closed before the message was handled (closeTimeout ${closeTimeout} ms)`);
        const unfinished = Array.from(tasks).filter((task) => task.state === "running");
        for (const task of unfinished) observe(task.ctx, reason);
        await Promise.all(unfinished.map((task) => release(task, reason)));
      }
      await emptied(); // what was being settled when the time ran out
    } finally {
      clearTimeout(timer);
    }
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= drain());
  return { ready, close, [Symbol.asyncDispose]: close };
}

/** Whether `value` is a promise (or any thenable), so that a plain value is used without an await. */
function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function closedBeforeReady(): KitError {
  return new KitError(Code.Canceled, "subscriber closed before it was ready");
}

function closed(): KitError {
  return new KitError(Code.Canceled, "subscriber closed");
}
