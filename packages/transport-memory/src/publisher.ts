import { toKitError, untilAborted, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import { readError, writeTimeout, type DecodeMessage, type EncodeMessage, type Message, type OutgoingMessage } from "@kit/transport";
import type { MemoryBroker } from "./broker.ts";

import { stateOf } from "./internal/state.ts";

/** What a {@link PublisherOptions.finalizer} hook learns about a finished call. */
export interface PublisherOutcome {
  /** The error the call failed with; `undefined` on success. */
  readonly error: KitError | undefined;
}

/** Options for {@link publisher}, with the Go kit names every Kit transport uses. */
export interface PublisherOptions {
  /** Hooks run in order after encoding, before the message is sent: set headers, return the context. */
  readonly before?: readonly ((ctx: Context, message: OutgoingMessage) => Context | Promise<Context>)[];
  /** Hooks run in order on each reply, before it is decoded. */
  readonly after?: readonly ((ctx: Context, reply: Message) => Context | Promise<Context>)[];
  /** Hooks run at the end of every call, whatever happened; what they throw is ignored. */
  readonly finalizer?: readonly ((ctx: Context, outcome: PublisherOutcome) => void | Promise<void>)[];
}

/**
 * Sends requests to a queue of a {@link MemoryBroker} without waiting for a reply (fire and
 * forget): the endpoint resolves once the broker holds the message.
 *
 * @param broker - the broker
 * @param queue - the queue to publish to
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - `undefined`: no reply is expected
 * @param options - hooks
 *
 * @example
 * ```ts
 * const placeOrder = publisher(broker, "orders", encodeJSONMessage, undefined);
 * await placeOrder(ctx, { id: "o-1", qty: 2 });
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the broker in front
export function publisher<Req>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: undefined,
  options?: PublisherOptions,
): Endpoint<Req, void>;
/**
 * Calls an endpoint served by {@link subscriber} on a queue of a {@link MemoryBroker}, by
 * request and reply, the in-memory counterpart of the NATS and AMQP publishers. The result is
 * an `Endpoint`, so client middleware wraps it like any other.
 *
 * Each call: `encode` writes the request; the `before` hooks run; the time left before the
 * context's deadline goes in `kit-timeout`; the message is published with a reply address;
 * the call waits for the reply or the context (`canceled`, `deadline_exceeded`); the `after`
 * hooks see the reply; a reply with `kit-error-code` fails the call with that
 * code and message, any other is read by `decode`; the `finalizer` hooks run last.
 *
 * @param broker - the broker
 * @param queue - the queue the subscriber consumes
 * @param encode - writes the request into the message, such as `encodeJSONMessage`
 * @param decode - reads the reply, such as `decodeJSONMessage(schema)`
 * @param options - hooks
 *
 * @example
 * ```ts
 * const sum = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * ```
 */
// eslint-disable-next-line max-params -- as above
export function publisher<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res>,
  options?: PublisherOptions,
): Endpoint<Req, Res>;
// eslint-disable-next-line max-params -- the transport shape: client(target, encode, decode, options) with the broker in front
export function publisher<Req, Res>(
  broker: MemoryBroker,
  queue: string,
  encode: EncodeMessage<Req>,
  decode: DecodeMessage<Res> | undefined,
  options: PublisherOptions = {},
): Endpoint<Req, Res | undefined> {
  const { before = [], after = [], finalizer = [] } = options;
  const state = stateOf(broker);
  const q = state.queue(queue);

  return async (ctx, request) => {
    let current = ctx;
    let error: KitError | undefined;
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const message: OutgoingMessage = { body: new Uint8Array(0), headers: new Map<string, string>() };
      await encode(current, request, message);
      for (const hook of before) current = await hook(current, message);
      writeTimeout(current, message.headers);
      if (current.signal.aborted) throw current.signal.reason as Error;
      if (decode === undefined) {
        q.publish(message.body, message.headers, undefined);
        return undefined;
      }
      const inbox = state.inbox();
      try {
        q.publish(message.body, message.headers, inbox.address);
        const envelope = await untilAborted(current.signal, () => inbox.reply);
        const reply: Message = { body: envelope.body, headers: new Map(envelope.headers), attempt: 1 };
        for (const hook of after) current = await hook(current, reply);
        const failed = readError(reply.headers);
        if (failed !== undefined) throw failed;
        return await decode(current, reply);
      } finally {
        inbox.dispose();
      }
    } catch (thrown) {
      error = toKitError(thrown);
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
