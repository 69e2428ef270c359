import { toKitError, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import { malformedReply } from "./internal/malformed-reply.ts";
import { readError } from "./message-error.ts";
import { createOutgoingMessage } from "./outgoing-message.ts";
import type { DecodeMessage, EncodeMessage, Message, OutgoingMessage } from "./message.ts";
import { writeTimeout } from "./timeout.ts";

/** What a {@link PublisherFinalizer} learns about a finished call. */
export interface PublisherOutcome {
  /** The error the call failed with; `undefined` on success. */
  readonly error: KitError | undefined;
}

/** Runs after encoding, before the message is sent, Go kit's `RequestFunc`: sets headers, returns the context. */
export type PublisherBefore = (ctx: Context, message: OutgoingMessage) => Context | Promise<Context>;

/** Runs on each reply before it is decoded, Go kit's `ClientResponseFunc`: reads headers, returns the context. */
export type PublisherAfter = (ctx: Context, reply: Message) => Context | Promise<Context>;

/** Runs at the end of every call, whatever happened, Go kit's `ClientFinalizerFunc`; what it throws is ignored. */
export type PublisherFinalizer = (ctx: Context, outcome: PublisherOutcome) => void | Promise<void>;

/** The Go kit hooks of every Kit message publisher; broker packages extend these options with their own. */
export interface PublisherOptions {
  /** Hooks run in order after encoding, before the message is sent; each returns the context the next one gets. */
  readonly before?: readonly PublisherBefore[];
  /** Hooks run in order on each reply, before it is decoded. */
  readonly after?: readonly PublisherAfter[];
  /** Hooks run at the end of every call, whatever happened. */
  readonly finalizer?: readonly PublisherFinalizer[];
}

/**
 * Puts one encoded message on the broker. For request/reply it resolves with the reply; for
 * fire and forget, with `undefined` once the broker has the message. It stops waiting when
 * `ctx.signal` aborts (rejecting with the signal's reason), and throws broker failures as
 * `KitError`s with the code a caller should see (`unavailable` for a broker that cannot be
 * reached). It also gets the request itself, for what the broker routes by (a Kafka record's
 * key, an SQS FIFO message group).
 */
export type SendMessage<Req = unknown> = (ctx: Context, message: OutgoingMessage, request: Req) => Promise<Message | undefined>;

/**
 * A {@link SendMessage} of a fire-and-forget publisher, which may resolve with anything once the
 * broker has the message (the client's own result, such as a Redis entry id): the publisher
 * drops it and resolves with `undefined`.
 */
export type SendAndForget<Req = unknown> = (ctx: Context, message: OutgoingMessage, request: Req) => Promise<unknown>;

/**
 * Turns what a call threw into the `KitError` its caller sees: `toKitError`, or a broker
 * package's own mapping of its client's errors (see {@link messagePublisher}'s `failure`).
 */
export type PublisherFailure = (thrown: unknown) => KitError;

/**
 * The `failure` of a fire-and-forget driver whose `send` already settles the way the caller
 * should see it: it resolves with `undefined` once the broker has the message, and rejects with
 * `KitError`s only. A publisher without hooks then returns the promise `send` returns as it is,
 * without a promise of its own on every message (one with hooks maps what it throws with
 * `toKitError`, which leaves a `KitError` as it is).
 *
 * @param thrown - what the call threw
 *
 * @example
 * ```ts
 * // send: (ctx, message) => publishAndWaitForAck(ctx, message), rejecting with KitErrors only
 * const publish = messagePublisher(send, encodeJSONMessage, undefined, options, sendAsIs);
 * ```
 */
export const sendAsIs: PublisherFailure = (thrown) => toKitError(thrown);

/**
 * The call every Kit message publisher makes, Go kit's `Publisher.Endpoint()` for messages,
 * around the broker's own `send`: the request is encoded into a new message, the `before`
 * hooks run, the time left before the context's deadline goes in the `kit-timeout` header, the
 * message is sent; a reply runs through the `after` hooks, fails the call with its
 * `kit-error-code` if it has one, and is decoded otherwise (a reply the decoder cannot read
 * fails the call with `internal`, the server's fault); the `finalizer` hooks run last,
 * with the context the hooks returned. Every failure is a `KitError`. Broker packages build their
 * `publisher` on it; applications rarely call it directly.
 *
 * @param send - puts the message on the broker and brings back the reply, if one is expected
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage`; `undefined` when none is expected
 * @param options - the `before`, `after` and `finalizer` hooks
 * @param failure - turns what the call threw into the `KitError` the caller sees; default
 *   `toKitError`. A driver whose `send` fire-and-forget returns its client's own promise (any
 *   value, the client's own errors) passes its mapping here, which saves the promise a
 *   `.then` of its own would make on every message; one whose `send` resolves with `undefined`
 *   and rejects with `KitError`s only passes {@link sendAsIs}, which saves the publisher's too.
 *
 * @example
 * ```ts
 * const send: SendMessage = async (ctx, message) => {
 *   const reply = await broker.request(subject, message.body, message.headers, ctx.signal);
 *   return { body: reply.body, headers: reply.headers, attempt: 1 };
 * };
 * const sum = messagePublisher(send, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * ```
 */
// eslint-disable-next-line max-params -- the publisher shape (send, encode, decode, options) and the driver's error mapping
export function messagePublisher<Req, Res>(
  send: SendMessage<Req>,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: PublisherOptions,
  failure?: PublisherFailure,
): Endpoint<Req, Res>;
/** Fire and forget: `send` resolves (with anything, which is dropped) once the broker has the message. */
// eslint-disable-next-line max-params -- as above
export function messagePublisher<Req>(
  send: SendAndForget<Req>,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: PublisherOptions,
  failure?: PublisherFailure,
): Endpoint<Req, void>;
/** Either, as the caller's own `decode` decides. */
// eslint-disable-next-line max-params -- as above
export function messagePublisher<Req, Res>(
  send: SendMessage<Req>,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options?: PublisherOptions,
  failure?: PublisherFailure,
): Endpoint<Req, Res | undefined>;
// eslint-disable-next-line max-params -- as above
export function messagePublisher<Req, Res>(
  sendAny: SendMessage<Req> | SendAndForget<Req>,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: PublisherOptions = {},
  failure: PublisherFailure = toKitError,
): Endpoint<Req, Res | undefined> {
  // A SendAndForget comes only with no `decode` (the overloads), and then what it resolves with is never read.
  const send = sendAny as SendMessage<Req>;
  const { before = [], after = [], finalizer = [] } = options;
  if (before.length === 0 && after.length === 0 && finalizer.length === 0) return publisherWithoutHooks(send, encode, decode, failure);
  return async (ctx, request) => {
    let current = ctx; // follows the context the hooks return, for the finalizers
    let error: KitError | undefined;
    try {
      if (current.signal.aborted) throw current.signal.reason as Error;
      const message = createOutgoingMessage();
      const encoding = encode(current, request, message);
      if (encoding !== undefined) await encoding;
      for (const hook of before) current = await hook(current, message);
      writeTimeout(current, message.headers);
      if (current.signal.aborted) throw current.signal.reason as Error;
      const reply = await send(current, message, request);
      if (reply === undefined || decode === undefined) return undefined;
      for (const hook of after) current = await hook(current, reply);
      return await decodeReply(current, reply, decode);
    } catch (thrown) {
      error = failure(thrown);
      throw error;
    } finally {
      for (const hook of finalizer) {
        try {
          await hook(current, { error });
        } catch {
          // a finalizer only observes; its failure must not change the call's result
        }
      }
    }
  };
}

/**
 * {@link messagePublisher} for a publisher without hooks, the common case: the same steps,
 * without what only hooks need (following the context they return, the outcome for the
 * finalizers), since a publisher's own cost per message shows in its rate. With a synchronous
 * encoder (the JSON one) a call is a plain function and one promise reaction on what `send`
 * returns, not an async function's suspension and resumption.
 */
function publisherWithoutHooks<Req, Res>(
  send: SendMessage<Req>,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  failure: PublisherFailure,
): Endpoint<Req, Res | undefined> {
  const rethrow = (thrown: unknown): never => {
    throw failure(thrown);
  };
  /** Sends an encoded request: `kit-timeout` written, the signal checked again (it may have aborted while encoding). */
  const sendEncoded = (ctx: Context, message: OutgoingMessage, request: Req): Promise<Res | undefined> => {
    writeTimeout(ctx, message.headers);
    ctx.signal.throwIfAborted();
    const sent = send(ctx, message, request);
    if (decode === undefined) return failure === sendAsIs ? (sent as Promise<undefined>) : sent.then(nothing, rethrow);
    return sent.then((reply) => (reply === undefined ? undefined : decodeReply(ctx, reply, decode)), rethrow);
  };
  const afterEncoding = async (encoding: Promise<void>, ctx: Context, message: OutgoingMessage, request: Req): Promise<Res | undefined> => {
    try {
      await encoding;
      return await sendEncoded(ctx, message, request);
    } catch (thrown) {
      throw failure(thrown);
    }
  };
  return (ctx, request) => {
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const message = createOutgoingMessage();
      const encoding = encode(ctx, request, message);
      if (encoding !== undefined) return afterEncoding(encoding, ctx, message, request);
      return sendEncoded(ctx, message, request);
    } catch (thrown) {
      return Promise.reject(failure(thrown));
    }
  };
}

function nothing(): undefined {
  return undefined;
}

/** A reply's `kit-error-code` thrown as its error, or the reply decoded; a reply `decode` cannot read is `internal`. */
async function decodeReply<Res>(ctx: Context, reply: Message, decode: DecodeMessage<Res>): Promise<Res> {
  const failed = readError(reply.headers);
  if (failed !== undefined) throw failed;
  try {
    return await decode(ctx, reply);
  } catch (thrown) {
    throw malformedReply(thrown, ""); // the reply is the server's: a decode failure is not the caller's fault
  }
}
