import type { Context, KitError } from "@kit/endpoint";
import type { Backoff } from "./backoff.ts";
import type { ErrorHandler } from "./error-handler.ts";
import type { Message, OutgoingMessage } from "./message.ts";

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
 * `kit-error-code` and `kit-error-message` headers (`writeError`) with an empty body. It gets
 * the error as the caller may see it (see `exposeErrors`).
 */
export type MessageErrorEncoder = (ctx: Context, err: KitError, reply: OutgoingMessage) => void | Promise<void>;

/**
 * What the subscriber runtime did with a delivery:
 *
 * - `"succeeded"`: the endpoint (and the reply, if any) succeeded; the message was acknowledged;
 * - `"answered"`: a request failed for good; its caller was answered with the error and the
 *   message was acknowledged (the answer settles it: it is not also dead-lettered);
 * - `"retried"`: it failed with a retryable code and will be tried again after a backoff;
 * - `"dead-lettered"`: it failed for good (a non-retryable code, a message that cannot be
 *   decoded, `maxAttempts` used up, or a deadline gone before it arrived) and went to the dead
 *   letter;
 * - `"released"`: it was given back to the broker unhandled, to be delivered again (the
 *   subscriber closed, or the broker refused to settle it).
 */
export type MessageDecision = "succeeded" | "answered" | "retried" | "dead-lettered" | "released";

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

/** Options for `runSubscriber`, and for every broker package's `subscriber`. */
export interface SubscriberOptions {
  /** Hooks run in order before decoding; each returns the context the next one gets. */
  readonly before?: readonly SubscriberBefore[];
  /** Hooks run in order after the endpoint succeeds, before the reply is encoded. */
  readonly after?: readonly SubscriberAfter[];
  /** Writes the error reply to a request that failed for good; defaults to `writeError`. */
  readonly errorEncoder?: MessageErrorEncoder;
  /**
   * Observes every error: decode, endpoint, reply and broker failures, a failed `ready` check,
   * and messages released because `close()` timed out. Defaults to `defaultErrorHandler`,
   * which writes one warning line per error to stderr.
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
   * The wait before the next attempt after a retryable failure; defaults to
   * `exponentialBackoff()` (100 ms doubling to 30 s, full jitter). Failed receives and failed
   * settlements have their own, shorter backoff.
   */
  readonly backoff?: Backoff;
  /**
   * How long `close()` waits for messages in flight, in milliseconds (default 30 000); then
   * their contexts are canceled and they are released to the broker.
   */
  readonly closeTimeout?: number;
  /**
   * Send the text of an error that is not a `KitError` to the caller of a request (default
   * `false`: it is answered `internal` with the message `internal error`, and its text goes
   * only to the error handler and the dead letter). See `publicError`.
   */
  readonly exposeErrors?: boolean;
}

/** A running subscriber. */
export interface Subscriber {
  /**
   * Resolves once the subscriber has checked that it can work (its source and dead-letter
   * destination exist and it may use them; see `MessageDriver.ready`) and is receiving.
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
