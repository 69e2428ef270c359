import { Code, timeRemaining, toKitError, type Context, type Endpoint, KitError } from "@kit/endpoint";
import { readError, timeoutHeader, type DecodeMessage, type EncodeMessage, type Message, type OutgoingMessage } from "@kit/transport";
import type { PublisherOptions } from "../publisher.ts";
import { fromNatsError } from "./errors.ts";

/**
 * Sends one encoded message and returns the reply, if one is expected, within `budget`
 * milliseconds (the context's deadline, or the publisher's `timeout` when it has none); the
 * context's signal cancels it.
 */
export type Send = (ctx: Context, message: OutgoingMessage, budget: number) => Promise<Message | undefined>;

/**
 * The shape every NATS publisher shares: encode, hooks, deadline, send, error reply, decode,
 * finalizers. A call whose context has no deadline gets `options.timeout` as its budget (sent in
 * `kit-timeout` and given to the NATS request) without a derived context: a context costs an
 * `AbortController` and a timer per call, and the NATS request has its own timer.
 */
// eslint-disable-next-line max-params -- internal
export function call<Req, Res>(
  subject: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: PublisherOptions,
  send: Send,
): Endpoint<Req, Res | undefined> {
  const { before = [], after = [], finalizer = [], timeout = 30_000 } = options;
  if (!(timeout > 0)) throw new RangeError(`timeout must be milliseconds above 0, got ${timeout}`);
  return async (ctx, request) => {
    let current = ctx;
    let error: KitError | undefined;
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const message: OutgoingMessage = { body: new Uint8Array(0), headers: new Map<string, string>() };
      await encode(current, request, message);
      for (const hook of before) current = await hook(current, message);
      const left = timeRemaining(current);
      const budget = Math.floor(left ?? timeout);
      if (left !== undefined) message.headers.set(timeoutHeader, String(Math.min(99_999_999, budget)));
      if (current.signal.aborted) throw current.signal.reason as Error;
      if (budget <= 0) throw new KitError(Code.DeadlineExceeded, "context deadline exceeded");
      let reply: Message | undefined;
      try {
        reply = await send(current, message, budget);
      } catch (thrown) {
        throw fromNatsError(thrown, subject); // the context's own reason (canceled, deadline_exceeded) is a KitError, kept as is
      }
      if (reply === undefined || decode === undefined) return undefined;
      for (const hook of after) current = await hook(current, reply);
      const failed = readError(reply.headers);
      if (failed !== undefined) throw failed;
      return await decode(current, reply);
    } catch (thrown) {
      error = toKitError(thrown, Code.Unknown);
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
