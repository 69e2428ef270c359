import { randomUUID } from "node:crypto";
import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import type { DecodeMessage, EncodeMessage, OutgoingMessage, PublisherOptions } from "@kit/transport";
import { messagePublisher, replyDecoder, replyTarget, textBody, type SendAndForget, type SendMessage } from "@kit/transport/driver";
import type { RedisStreamClient } from "./client.ts";
import { correlationHeader, replyToHeader } from "./headers.ts";
import { entryCommand } from "./internal/entries.ts";
import { fromRedisError } from "./internal/errors.ts";
import { replyStateOf, type RedisReplyStream } from "./reply-stream.ts";

/**
 * Options for {@link publisher}: the Go kit hooks every Kit message publisher has (`before`,
 * `after`, `finalizer`), trimming, and the reply stream and wait bound of request/reply.
 */
export interface RedisPublisherOptions extends PublisherOptions {
  /**
   * Trim the stream to about this many entries as each is added (`XADD … MAXLEN ~ n`; Redis
   * trims whole nodes, so a few more stay). Default: no trimming. Entries trimmed before a
   * group read them are lost to it: keep it well above what consumers may lag behind.
   */
  readonly maxLen?: number;
  /** Request/reply: where replies come back. Required when a `decode` is given. */
  readonly replies?: RedisReplyStream;
  /**
   * Request/reply: how long a call whose context has no deadline waits for its reply, in
   * milliseconds (default 30 000, `defaultReplyTimeout`), the same meaning in every Kit
   * requester. It is the caller's side only: just a context's deadline travels, as `kit-timeout`.
   */
  readonly timeout?: number;
}

/** The background context's signal, which never aborts. */
const never = background().signal;

function nothing(): undefined {
  return undefined;
}

/**
 * An `Endpoint` that adds its request to a Redis stream (`XADD`), Go kit's publisher shape.
 * With `decode` undefined it resolves once Redis has the entry; with a `decode` and a
 * {@link RedisReplyStream} in `replies`, it waits for the subscriber's reply (request/reply),
 * bounded by the ctx deadline (sent along in `kit-timeout`) or, for a ctx without one, by
 * `timeout` (30 s by default, not sent); a `kit-error-code` on the reply is thrown as that same
 * `KitError`, and a reply `decode` cannot read is `internal`. While the client is not connected
 * a call fails at once with `unavailable` rather than waiting in node-redis's offline queue.
 *
 * @param client - the user's node-redis client, connected
 * @param stream - the stream to add to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply; `undefined` for fire-and-forget
 * @param options - hooks, trimming, the reply stream
 *
 * @example
 * ```ts
 * const placeOrder = publisher(redis, "orders", encodeJSONMessage, undefined, { maxLen: 100_000 });
 * await placeOrder(background(), order);
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the client in front
export function publisher<Req>(
  client: RedisStreamClient,
  stream: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: RedisPublisherOptions,
): Endpoint<Req, void>;
/**
 * Request/reply: see the first overload.
 *
 * @param client - the user's node-redis client, connected
 * @param stream - the stream to add to
 * @param encode - writes the request into the message
 * @param decode - reads the reply
 * @param options - hooks, trimming, and `replies`, the {@link RedisReplyStream} (required)
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  client: RedisStreamClient,
  stream: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options: RedisPublisherOptions & { readonly replies: RedisReplyStream },
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  client: RedisStreamClient,
  stream: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: RedisPublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const { maxLen, replies, timeout } = options;
  if (maxLen !== undefined && !(Number.isInteger(maxLen) && maxLen >= 1)) throw new RangeError(`maxLen must be a whole number of at least 1, got ${String(maxLen)}`);
  if (decode !== undefined && replies === undefined) throw new TypeError("a request/reply publisher needs a reply stream: options.replies");
  const head = maxLen === undefined ? ["XADD", stream, "*"] : ["XADD", stream, "MAXLEN", "~", String(maxLen), "*"];
  const failure = (thrown: unknown): KitError => fromRedisError(thrown, `XADD ${stream}`);
  const failed = (thrown: unknown): never => {
    throw failure(thrown);
  };
  const notConnected = (): Promise<never> => Promise.reject(new KitError(Code.Unavailable, `Redis XADD ${stream}: the client is not connected`));
  /** Sends the `XADD`: node-redis's own promise (the entry's id, node-redis's errors). */
  const add = (message: OutgoingMessage, signal: AbortSignal): Promise<unknown> => {
    if (!client.isReady) return notConnected();
    const args = entryCommand(head, textBody(message) ?? message.body, message.headers);
    // A signal that never aborts (the background context's) needs no listener in node-redis.
    return client.sendCommand(args, signal === never ? undefined : { abortSignal: signal });
  };

  if (decode === undefined || replies === undefined) {
    // The publisher drops the id and maps node-redis's errors (`failure`): one promise a message fewer than a `.then` here.
    const send: SendAndForget<Req> = (ctx, message) => add(message, ctx.signal);
    return messagePublisher<Req>(send, encode, undefined, options, failure) as Endpoint<Req, undefined>; // it resolves with undefined
  }
  const target = replyTarget("Redis stream", stream, timeout);
  const send: SendMessage<Req> = (ctx, message) => {
    if (!client.isReady) return notConnected(); // before the reply stream is made
    const correlationId = randomUUID();
    message.headers.set(replyToHeader, replies.stream);
    message.headers.set(correlationHeader, correlationId);
    return replyStateOf(replies).call(ctx, correlationId, target, () => add(message, ctx.signal).then(nothing, failed));
  };
  return messagePublisher(send, encode, replyDecoder(decode, target), options);
}
