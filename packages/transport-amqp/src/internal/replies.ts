import { randomUUID } from "node:crypto";
import { Code, KitError, type Context } from "@kit/endpoint";
import { ReplyCorrelator, type ReplyTarget } from "@kit/transport/driver";
import type { Channel, ConsumeMessage, Message } from "amqplib";
import { unroutable } from "./returns.ts";

/** RabbitMQ's direct reply-to pseudo-queue. */
export const directReplyTo = "amq.rabbitmq.reply-to";

/**
 * The replies to one channel's requests: one no-ack consumer on `amq.rabbitmq.reply-to`,
 * shared by every publisher on the channel, handing each reply to its caller by correlation id
 * on `@kit/transport`'s `ReplyCorrelator` (so a call ends at its context's deadline, or after the
 * publisher's `timeout` without one). A request the broker returns as unroutable fails its call
 * with `unavailable` at once; the channel closing fails every call waiting, and every later one
 * on this channel, with `unavailable`.
 */
export class ReplyRouter {
  readonly #channel: Channel;
  readonly #calls = new ReplyCorrelator<ConsumeMessage>();
  readonly #prefix = randomUUID();
  #next = 0;
  #consuming: Promise<unknown> | undefined;
  #ready = false;

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.on("close", () => {
      this.#ready = false;
      this.#calls.close(new KitError(Code.Unavailable, "the AMQP channel closed before the reply came"));
    });
    // A request is published mandatory: one no queue took comes back here, with its correlation id.
    channel.on("return", (message: Message) => {
      const id: unknown = message.properties.correlationId;
      if (typeof id === "string") this.#calls.fail(id, unroutable(message.fields.exchange, message.fields.routingKey));
    });
  }

  /** Whether replies are being consumed, so {@link ReplyRouter.ready} need not be awaited. */
  get isReady(): boolean {
    return this.#ready;
  }

  /** Starts consuming replies, once; a failure is thrown and the next call tries again. */
  async ready(): Promise<void> {
    this.#consuming ??= this.#channel
      .consume(directReplyTo, (message) => {
        this.#deliver(message);
      }, { noAck: true })
      .then(() => {
        this.#ready = true;
      })
      .catch((thrown: unknown) => {
        this.#consuming = undefined;
        const reason = thrown instanceof Error ? thrown.message : String(thrown);
        throw new KitError(Code.Unavailable, `cannot consume replies from ${directReplyTo}: ${reason}`, { cause: thrown });
      });
    await this.#consuming;
  }

  /**
   * Publishes a request with `publish`, which gets a fresh correlation id to send it with, and
   * resolves with the reply that carries that id (see the class for the failures).
   */
  call(ctx: Context, target: ReplyTarget, publish: (correlationId: string) => void): Promise<ConsumeMessage> {
    this.#next += 1;
    const correlationId = `${this.#prefix}.${String(this.#next)}`;
    return this.#calls.call(ctx, correlationId, target, () => {
      publish(correlationId);
      return undefined;
    });
  }

  #deliver(message: ConsumeMessage | null): void {
    if (message === null) {
      this.#consuming = undefined;
      this.#ready = false;
      this.#calls.failAll(new KitError(Code.Unavailable, `the broker cancelled the ${directReplyTo} consumer`));
      return;
    }
    const id: unknown = message.properties.correlationId;
    if (typeof id === "string") this.#calls.deliver(id, message); // a reply nobody waits for any more (a late one) is dropped
  }
}

const routers = new WeakMap<Channel, ReplyRouter>();

/** The reply router of a channel. */
export function repliesOf(channel: Channel): ReplyRouter {
  let router = routers.get(channel);
  if (router === undefined) {
    router = new ReplyRouter(channel);
    routers.set(channel, router);
  }
  return router;
}
