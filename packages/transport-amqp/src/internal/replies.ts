import { randomUUID } from "node:crypto";
import { background, Code, KitError } from "@kit/endpoint";
import type { Channel, ConsumeMessage, Message } from "amqplib";
import { unroutable } from "./returns.ts";

/** The signal of the background context, which never aborts. */
const never = background().signal;

/** RabbitMQ's direct reply-to pseudo-queue. */
export const directReplyTo = "amq.rabbitmq.reply-to";

interface Waiting {
  readonly resolve: (reply: ConsumeMessage) => void;
  readonly reject: (err: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * The replies to one channel's requests: one no-ack consumer on `amq.rabbitmq.reply-to`,
 * shared by every publisher on the channel, routing each reply to its caller by correlation id.
 */
export class ReplyRouter {
  readonly #channel: Channel;
  readonly #waiting = new Map<string, Waiting>();
  readonly #prefix = randomUUID();
  #next = 0;
  #consuming: Promise<unknown> | undefined;
  #ready = false;

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.on("close", () => {
      this.#ready = false;
      this.#failAll(new KitError(Code.Unavailable, "the AMQP channel closed before the reply came"));
    });
    // A request is published mandatory: one no queue took comes back here, with its correlation id.
    channel.on("return", (message: Message) => {
      const id: unknown = message.properties.correlationId;
      if (typeof id !== "string") return;
      this.#waiting.get(id)?.reject(unroutable(message.fields.exchange, message.fields.routingKey));
    });
  }

  /** A fresh correlation id. */
  nextId(): string {
    this.#next += 1;
    return `${this.#prefix}.${this.#next}`;
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
   * The reply with `correlationId`, or a rejection when `signal` aborts first (with its
   * reason), the request comes back unroutable, or the channel closes. Call
   * {@link ReplyRouter.forget} when done waiting.
   */
  expect(correlationId: string, signal: AbortSignal): Promise<ConsumeMessage> {
    const reply = new Promise<ConsumeMessage>((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason as Error);
      };
      if (signal.aborted) onAbort();
      else if (signal !== never) signal.addEventListener("abort", onAbort, { once: true }); // no listener list to search for a call nothing can cancel
      this.#waiting.set(correlationId, { resolve, reject, signal, onAbort });
    });
    reply.catch(() => undefined); // a failure before the caller awaits is still the caller's to see
    return reply;
  }

  /** Stops waiting for the reply with `correlationId`; one that comes later is dropped. */
  forget(correlationId: string): void {
    const waiting = this.#waiting.get(correlationId);
    if (waiting === undefined) return;
    this.#waiting.delete(correlationId);
    if (waiting.signal !== never) waiting.signal.removeEventListener("abort", waiting.onAbort);
  }

  #deliver(message: ConsumeMessage | null): void {
    if (message === null) {
      this.#consuming = undefined;
      this.#ready = false;
      this.#failAll(new KitError(Code.Unavailable, `the broker cancelled the ${directReplyTo} consumer`));
      return;
    }
    const id: unknown = message.properties.correlationId;
    if (typeof id !== "string") return;
    this.#waiting.get(id)?.resolve(message); // a reply nobody waits for any more (a late one) is dropped
  }

  #failAll(err: KitError): void {
    for (const waiting of this.#waiting.values()) waiting.reject(err); // each caller forgets its own
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
