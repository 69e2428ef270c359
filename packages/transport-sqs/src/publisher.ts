import { randomUUID } from "node:crypto";
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import { Code, KitError, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type OutgoingMessage, type PublisherOptions, type PublisherOutcome } from "@kit/transport";
import { messagePublisher, replyDecoder, replyTarget, type SendMessage } from "@kit/transport/driver";
import { toAttributes } from "./attributes.ts";
import { correlationHeader, replyToHeader } from "./headers.ts";
import { batcher, type Batcher, type Settled } from "./internal/batcher.ts";
import { outgoingSqsBody } from "./internal/body.ts";
import { fromBatchFailure, fromSqsError } from "./internal/errors.ts";
import { replyStateOf, type SqsReplyQueue } from "./reply-queue.ts";

/** What a publisher's finalizer learns about one call: `@kit/transport`'s `PublisherOutcome`. */
export type SqsPublisherOutcome = PublisherOutcome;

/**
 * Options for {@link publisher}: the Go kit hooks every Kit message publisher has (`before`,
 * `after`, `finalizer`), FIFO ids, a delay, and the reply queue and time budget of
 * request/reply.
 */
export interface SqsPublisherOptions<Req> extends PublisherOptions {
  /** FIFO queues: the message group of a request (messages of one group are handled in order). */
  readonly groupId?: (request: Req) => string;
  /** FIFO queues: the deduplication id of a request; default: the queue's content-based deduplication. */
  readonly deduplicationId?: (request: Req) => string;
  /** Seconds SQS keeps a new message invisible (standard queues; 0–900). */
  readonly delaySeconds?: number;
  /** Request/reply: where replies come back. Required when a `decode` is given. */
  readonly replies?: SqsReplyQueue;
  /**
   * Request/reply: how long a call whose context has no deadline waits for its reply, in
   * milliseconds (default 30 000, `defaultReplyTimeout`), the same meaning in every Kit
   * requester. It is the caller's side only: just a context's deadline travels, as `kit-timeout`.
   */
  readonly timeout?: number;
}

/** A message as the batcher sends it. */
interface Outgoing {
  readonly body: string;
  readonly headers: Map<string, string>;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
}

/** The body a message starts with, until the encoder sets one: shared, since nothing can be written into it. */
const senders = new WeakMap<SQSClient, Map<string, Batcher<Outgoing, undefined>>>();

/** One batcher per client and queue: concurrent sends to a queue go out as `SendMessageBatch`. */
function senderFor(client: SQSClient, queueUrl: string, delaySeconds: number | undefined): Batcher<Outgoing, undefined> {
  let byQueue = senders.get(client);
  if (byQueue === undefined) {
    byQueue = new Map<string, Batcher<Outgoing, undefined>>();
    senders.set(client, byQueue);
  }
  const key = `${queueUrl} ${delaySeconds ?? ""}`;
  let sender = byQueue.get(key);
  if (sender === undefined) {
    sender = batcher<Outgoing, undefined>(
      async (batch) => {
        const sending = client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, i) => {
              const entry: SendMessageBatchRequestEntry = { Id: String(i), MessageBody: m.body, MessageAttributes: toAttributes(m.headers) };
              if (delaySeconds !== undefined) entry.DelaySeconds = delaySeconds;
              if (m.groupId !== undefined) entry.MessageGroupId = m.groupId;
              if (m.deduplicationId !== undefined) entry.MessageDeduplicationId = m.deduplicationId;
              return entry;
            }),
          }),
        );
        let out: SendMessageBatchCommandOutput;
        try {
          out = await sending;
        } catch (thrown) {
          throw fromSqsError(thrown, `send to ${queueUrl}`);
        }
        return batchResults(batch.length, out, queueUrl);
      },
      10,
      0,
    );
    byQueue.set(key, sender);
  }
  return sender;
}

/** A sent message's outcome: the publisher resolves with nothing, so one object serves them all. */
const sent: Settled<undefined> = Object.freeze({ ok: true, value: undefined });

/** Each entry's outcome, by its `Id` (its index in the batch). */
function batchResults(size: number, out: SendMessageBatchCommandOutput, queueUrl: string): Settled<undefined>[] {
  const results: (Settled<undefined> | undefined)[] = new Array<Settled<undefined> | undefined>(size).fill(undefined);
  for (const ok of out.Successful ?? []) {
    const i = Number(ok.Id);
    if (i >= 0 && i < size) results[i] = sent;
  }
  for (const failure of out.Failed ?? []) {
    const i = Number(failure.Id);
    if (!(i >= 0 && i < size) || results[i] !== undefined) continue;
    results[i] = { ok: false, error: fromBatchFailure(failure, `send to ${queueUrl}`) };
  }
  return results.map((result) => result ?? { ok: false, error: new KitError(Code.Unavailable, `SQS send to ${queueUrl}: no result for the message`) });
}

/**
 * An `Endpoint` that sends its request to an SQS queue, Go kit's publisher shape. With
 * `decode` undefined it resolves once SQS has stored the message; with a `decode` and a
 * {@link SqsReplyQueue} in `replies`, it waits for the subscriber's reply (request/reply),
 * bounded by the ctx deadline (sent along in `kit-timeout`) or, for a ctx without one, by
 * `timeout` (30 s by default, not sent), and a `kit-error-code` on the reply is thrown as that
 * same `KitError`; a reply `decode` cannot read is `internal`. Messages sent at once (in the
 * same turn of the event loop) to the same queue go out together as `SendMessageBatch` calls of
 * up to 10; a call whose ctx is canceled before its batch goes out is answered at once and its
 * message is not sent.
 *
 * @param client - the user's `SQSClient`
 * @param queueUrl - the queue to send to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply; `undefined` for fire-and-forget
 * @param options - hooks, FIFO ids, delay, the reply queue
 *
 * @example
 * ```ts
 * const placeOrder = publisher(sqs, ordersUrl, encodeJSONMessage, undefined, { groupId: (o: Order) => o.customer });
 * await placeOrder(background(), order);
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the client in front
export function publisher<Req>(
  client: SQSClient,
  queueUrl: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: SqsPublisherOptions<Req>,
): Endpoint<Req, void>;
/**
 * Request/reply: see the first overload.
 *
 * @param client - the user's `SQSClient`
 * @param queueUrl - the queue to send to
 * @param encode - writes the request into the message
 * @param decode - reads the reply
 * @param options - hooks, FIFO ids, and `replies`, the {@link SqsReplyQueue} (required)
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the client in front
export function publisher<Req, Res>(
  client: SQSClient,
  queueUrl: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options: SqsPublisherOptions<Req> & { readonly replies: SqsReplyQueue },
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  client: SQSClient,
  queueUrl: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: SqsPublisherOptions<Req> = {},
): Endpoint<Req, Res | undefined> {
  const { groupId, deduplicationId, delaySeconds, replies, timeout } = options;
  if (decode !== undefined && replies === undefined) throw new TypeError("a request/reply publisher needs a reply queue: options.replies");
  const sender = senderFor(client, queueUrl, delaySeconds);
  const outgoing = (message: OutgoingMessage, request: Req): Outgoing => ({
    body: outgoingSqsBody(message),
    headers: message.headers,
    groupId: groupId?.(request),
    deduplicationId: deduplicationId?.(request),
  });

  if (decode === undefined || replies === undefined) {
    const send: SendMessage<Req> = (ctx, message, request) => sender.add(outgoing(message, request), ctx.signal);
    return messagePublisher<Req, Res>(send, encode, undefined, options);
  }
  const target = replyTarget("SQS queue", queueUrl, timeout);
  const send: SendMessage<Req> = (ctx, message, request) => {
    const correlationId = randomUUID();
    message.headers.set(replyToHeader, replies.url);
    message.headers.set(correlationHeader, correlationId);
    return replyStateOf(replies).call(ctx, correlationId, target, () => sender.add(outgoing(message, request), ctx.signal));
  };
  return messagePublisher(send, encode, replyDecoder(decode, target), options);
}
