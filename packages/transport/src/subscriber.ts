import {
  background,
  Code,
  isRetryable,
  KitError,
  toKitError,
  withCancel,
  withTimeout,
  type CancelFunc,
  type Context,
  type Endpoint,
} from "@kit/endpoint";
import { exponentialBackoff, type Backoff } from "./backoff.ts";
import { Deadlines } from "./deadlines.ts";
import type { MessageDriver } from "./driver.ts";
import { observeErrors, type ErrorHandler } from "./error-handler.ts";
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
   * because `close()` timed out. Defaults to doing nothing.
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
  ctx: Context;
  cancel: CancelFunc | undefined;
  state: "running" | "settling" | "released";
  /** Where the attempt is, so a failure is classified by it. */
  stage: Stage;
  /** For an attempt with a deadline: when it expires (epoch ms), what it expired with, and how its wait ends. */
  expires: number;
  timedOut: KitError | undefined;
  pass: (() => void) | undefined;
  fail: ((reason: unknown) => void) | undefined;
}

/**
 * The reason an attempt's context is canceled with once the attempt is over (settled, or
 * waiting to retry): one shared error, since making one per message costs more than the rest
 * of the cancel, and nothing but work the endpoint left running can see it.
 */
const settled = new KitError(Code.Canceled, "the message was settled; its context is over");

/** What an attempt that succeeded resolves with: no failure. */
const succeeded = (): undefined => undefined;

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
 * @param decode - turns a message into the endpoint's request, such as {@link decodeJSONMessage}
 * @param encode - writes the reply to a request, such as {@link encodeJSONMessage}
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
  const observe = observeErrors(options.errorHandler);
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
        return driver.ack(task.message);
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
    let result = decision;
    let why = error;
    try {
      await carryOut(task, decision, delay ?? 0, headers);
    } catch (thrown) {
      why = toKitError(thrown, Code.Unavailable);
      observe(task.ctx, why);
      result = "released";
      if (decision !== "released") {
        try {
          await driver.release(task.message);
        } catch (again) {
          observe(task.ctx, toKitError(again, Code.Unavailable));
        }
      }
    }
    if (finalizer.length > 0) await finalize(task, outcome(task, result, why, result === decision ? delay : undefined));
    task.cancel?.(settled);
  };

  const release = async (task: Task<M>, reason: KitError | undefined): Promise<void> => {
    task.state = "released";
    task.cancel?.(reason ?? closed());
    await settle(task, "released", reason);
    finish(task); // its endpoint may still be running; the slot is free and close() need not wait for it
  };

  /** Decode, endpoint, reply, for a subscriber without hooks. */
  const plainWork = async (task: Task<M>): Promise<void> => {
    const { message } = task;
    task.stage = "decode";
    const decoded = decode(task.ctx, message);
    const request = isPromiseLike(decoded) ? await decoded : decoded;
    task.stage = "endpoint";
    const response = await endpoint(task.ctx, request);
    if (message.reply !== undefined) await answer(task, message, response, { body: noBody, headers: new Map<string, string>() });
  };

  const hookedWork = async (task: Task<M>): Promise<void> => {
    const { message } = task;
    task.stage = "endpoint"; // a before hook's failure counts as the endpoint's
    for (const hook of before) task.ctx = await hook(task.ctx, message);
    task.stage = "decode";
    const decoded = decode(task.ctx, message);
    const request = isPromiseLike(decoded) ? await decoded : decoded;
    task.stage = "endpoint";
    const response = await endpoint(task.ctx, request);
    if (after.length === 0 && message.reply === undefined) return;
    const reply: OutgoingMessage = { body: noBody, headers: new Map<string, string>() };
    for (const hook of after) task.ctx = await hook(task.ctx, reply);
    if (message.reply !== undefined) await answer(task, message, response, reply);
  };

  /**
   * The work of one attempt, its stage kept on the task: decode, endpoint, reply, with the hooks
   * when there are any. Small functions on purpose: a waiting async function keeps its frame on
   * the heap, and a smaller frame made the collector's share per message smaller, so the usual
   * path (no hooks) has one of its own.
   */
  const work = before.length === 0 && after.length === 0 ? plainWork : hookedWork;

  /** Encodes the response into `reply` and sends it to the message's reply address. */
  const answer = async (task: Task<M>, message: M, response: Res, reply: OutgoingMessage): Promise<void> => {
    const encoding = encode(task.ctx, response, reply);
    if (encoding !== undefined) await encoding;
    task.stage = "reply";
    if (driver.reply === undefined) throw new KitError(Code.Unimplemented, "this transport cannot send replies");
    await driver.reply(message, reply);
  };

  /** Attempts with a deadline, on one timer: one that expires is canceled and no longer waited for. */
  const deadlines = new Deadlines<Task<M>>((task) => {
    expire(task);
  });

  const expire = (task: Task<M>): KitError => {
    const reason = new KitError(Code.DeadlineExceeded, "context deadline exceeded");
    task.timedOut = reason;
    task.cancel?.(reason);
    task.fail?.(reason);
    return reason;
  };

  /** Runs the work and ends the attempt's wait with it, unless its deadline ended the wait first. */
  const workWatched = async (task: Task<M>): Promise<void> => {
    try {
      await work(task);
      deadlines.delete(task);
      task.pass?.();
    } catch (thrown) {
      deadlines.delete(task);
      task.fail?.(thrown);
    }
  };

  /** The work of an attempt that must end within `ms`: failed with `deadline_exceeded` then, without waiting for the endpoint. */
  const withinDeadline = (task: Task<M>, ms: number): Promise<void> => {
    if (ms <= 0) return Promise.reject(expire(task)); // expired on arrival: the endpoint is not called
    const wait = new Promise<void>((resolve, reject) => {
      task.pass = resolve;
      task.fail = reject;
    });
    task.expires = task.ctx.deadline ?? Date.now() + ms; // the context's deadline, made from the same clock reading
    deadlines.add(task);
    void workWatched(task);
    return wait;
  };

  /**
   * One attempt: decode, endpoint, reply. Returns why it failed, or `undefined`. A message with
   * a deadline (`kit-timeout`) fails at the deadline without waiting for the endpoint; the
   * runtime watches all such deadlines on one timer ({@link Deadlines}), and the endpoint's
   * context has the deadline and is canceled with `deadline_exceeded` at it. A message without
   * one is ended early only by `close()`, which releases it itself. So a message costs no
   * `AbortController`, no listener and no timer of its own unless its endpoint reads
   * `ctx.signal`.
   */
  const attempt = (task: Task<M>): Promise<Failure | undefined> => {
    let ms: number | undefined;
    let malformed: KitError | undefined;
    try {
      ms = readTimeout(task.message.headers);
    } catch (thrown) {
      malformed = toKitError(thrown, Code.InvalidArgument);
    }
    // One context per attempt: its deadline is the message's kit-timeout, if it has one.
    const [ctx, cancel] = ms === undefined ? withCancel(background()) : withTimeout(background(), ms);
    task.ctx = ctx;
    task.cancel = cancel;
    task.timedOut = undefined;
    task.pass = undefined;
    task.fail = undefined;
    if (malformed !== undefined) {
      observe(ctx, malformed);
      return Promise.resolve({ error: malformed, stage: "decode", retry: false });
    }
    const running = ms === undefined ? work(task) : withinDeadline(task, ms);
    // .then rather than an async function: one promise less per message on the usual path
    return running.then(succeeded, (thrown: unknown): Failure | undefined => {
      if (task.state === "released") return undefined;
      const timedOut = thrown === task.timedOut;
      const { stage } = task;
      const fallback = stage === "decode" ? Code.InvalidArgument : stage === "reply" ? Code.Unavailable : Code.Unknown;
      const error = toKitError(thrown, fallback);
      observe(task.ctx, error);
      return { error, stage, retry: (timedOut || stage !== "decode") && isRetryable(error.code) };
    });
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

  /** Runs a message until it is settled, then frees its slot. Small, as `work` is: see there. */
  const handle = async (task: Task<M>): Promise<void> => {
    try {
      const failure = await attempt(task);
      if (task.state === "released") return;
      if (failure === undefined) await settle(task, "succeeded");
      else await recover(task, failure);
    } catch (thrown) {
      observe(task.ctx, toKitError(thrown, Code.Internal));
    } finally {
      finish(task);
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
        task.cancel?.(settled);
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
      cancel: undefined,
      state: "running",
      stage: "endpoint",
      expires: 0,
      timedOut: undefined,
      pass: undefined,
      fail: undefined,
    };
    tasks.add(task);
    if (releaseAt === undefined) {
      void handle(task);
      return;
    }
    release(task, releaseAt === "closed" ? undefined : releaseAt).catch((thrown: unknown) => {
      observe(task.ctx, toKitError(thrown, Code.Internal));
      finish(task);
    });
  };

  const loop = (async (): Promise<void> => {
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
  return { close, [Symbol.asyncDispose]: close };
}

/** Whether `value` is a promise (or any thenable), so that a plain value is used without an await. */
function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function closed(): KitError {
  return new KitError(Code.Canceled, "subscriber closed");
}
