import { Code, KitError, timeRemaining, type Context, type Endpoint } from "@kit/endpoint";
import { type DecodeMessage, type EncodeMessage, type Message, type OutgoingMessage } from "@kit/transport";
import { messagePublisher, replyDecoder, replyTarget, type ReplyTarget, type SendMessage } from "@kit/transport/driver";
import type { NatsPublisherOptions } from "../publisher.ts";
import { fromNatsError } from "./errors.ts";

/**
 * Sends one encoded message and returns the reply, if one is expected, within `budget`
 * milliseconds (the context's deadline, or the publisher's `timeout` when it has none); the
 * context's signal cancels it. `target` is the subject and the `timeout`, for the reply wait.
 */
export type Send = (ctx: Context, message: OutgoingMessage, budget: number, target: ReplyTarget) => Promise<Message | undefined>;

/**
 * A NATS publisher: `@kit/transport`'s `messagePublisher` (encode, hooks, `kit-timeout`, error
 * replies, decode, finalizers) around `send`, which gets a time budget: what is left before the
 * context's deadline, or `options.timeout` for a context without one (NATS needs a timeout for
 * every request; only a context's deadline travels, as in Go kit). NATS errors become
 * `KitError`s that name the subject; a reply `decode` cannot read is `internal`.
 */
// eslint-disable-next-line max-params -- internal
export function call<Req, Res>(
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: NatsPublisherOptions,
  send: Send,
): Endpoint<Req, Res | undefined> {
  const target = replyTarget("NATS", subject, options.timeout);
  const failed = (thrown: unknown): never => {
    throw fromNatsError(thrown, subject); // the context's own reason (canceled, deadline_exceeded) is a KitError, kept as is
  };
  const sendWithin: SendMessage = (ctx, message) => {
    const budget = Math.floor(timeRemaining(ctx) ?? target.timeout);
    if (budget <= 0) return Promise.reject(new KitError(Code.DeadlineExceeded, "context deadline exceeded"));
    return send(ctx, message, budget, target).catch(failed);
  };
  return messagePublisher(sendWithin, encode, decode === undefined ? undefined : replyDecoder(decode, target), options);
}
