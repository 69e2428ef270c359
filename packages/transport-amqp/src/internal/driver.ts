import { Code, KitError } from "@kit/endpoint";
import { attemptsHeader, type Message, type OutgoingMessage } from "@kit/transport";
import { spendTimeInQueue, type MessageDriver } from "@kit/transport/driver";
import type { ConfirmChannel, ConsumeMessage, MessagePropertyHeaders } from "amqplib";
import type { Topology } from "../topology.ts";
import { copyOptions, headersOf, publishOptions } from "./properties.ts";
import { batchWrites } from "./batched-writes.ts";
import { publishConfirmed } from "./returns.ts";

/** A delivery as the runtime sees it, with the raw amqplib message to settle it by. */
export interface AmqpMessage extends Message {
  readonly raw: ConsumeMessage;
  /** A `reply_to` outside the subscriber's reply namespace: the request is not answered but dead-lettered. */
  readonly refusedReply?: string;
}

/** Whether a request's `reply_to` may be answered (the subscriber's `replyNamespace`). */
export type ReplyAllowed = (replyTo: string) => boolean;

const anyReply: ReplyAllowed = () => true;

interface Waiter {
  readonly max: number;
  readonly resolve: (messages: AmqpMessage[]) => void;
  readonly reject: (err: KitError) => void;
}

/** The bytes of a body, as a Buffer over the same memory. */
export function bufferOf(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/**
 * Which attempt a delivery is: the `kit-attempts` header a retry carries (1 without one), plus
 * the redeliveries the broker counted: a quorum queue's `x-delivery-count`, or 1 for a classic
 * queue's `redelivered` flag (a consumer died or gave it back).
 */
export function attemptOf(raw: ConsumeMessage): number {
  const headers: MessagePropertyHeaders = raw.properties.headers ?? {};
  const carried: unknown = headers[attemptsHeader];
  const parsed = typeof carried === "number" ? carried : typeof carried === "string" && /^\d{1,9}$/.test(carried) ? Number(carried) : 1;
  const base = Number.isInteger(parsed) && parsed >= 1 ? parsed : 1;
  const count: unknown = headers["x-delivery-count"];
  const redeliveries = typeof count === "number" && Number.isInteger(count) && count >= 0 ? count : raw.fields.redelivered ? 1 : 0;
  return base + redeliveries;
}

function broke(reason: string, cause?: unknown): KitError {
  return new KitError(Code.Unavailable, reason, cause === undefined ? undefined : { cause });
}

/**
 * The {@link MessageDriver} for one queue on one confirm channel. amqplib pushes deliveries;
 * the runtime pulls: deliveries wait in a buffer that `prefetch` (the runtime's concurrency)
 * bounds, since the broker sends no more than that many unacknowledged.
 */
export class AmqpDriver implements MessageDriver<AmqpMessage> {
  readonly retry = "redeliver" as const;
  readonly #channel: ConfirmChannel;
  readonly #topology: Topology;
  readonly #prefetch: number;
  readonly #replyAllowed: ReplyAllowed;
  readonly #buffer: ConsumeMessage[] = [];
  #waiter: Waiter | undefined;
  #starting: Promise<void> | undefined;
  #consumerTag: string | undefined;
  #broken: KitError | undefined;
  #closing = false;
  #stopped = false;
  #stopping: Promise<void> | undefined;
  readonly #onClose = (): void => {
    this.#broken = broke("the AMQP channel closed; unacknowledged messages go back to the queue");
    this.#buffer.length = 0; // the broker requeues what this channel held
    this.#wake(undefined);
  };

  constructor(channel: ConfirmChannel, topology: Topology, prefetch: number, replyAllowed: ReplyAllowed = anyReply) {
    this.#channel = channel;
    this.#topology = topology;
    this.#prefetch = prefetch;
    this.#replyAllowed = replyAllowed;
  }

  /**
   * Checks what the subscriber needs before it receives: the queue and the dead-letter
   * exchange exist (`not_found` otherwise), then starts consuming the queue
   * (`permission_denied` when the user may not read it). RabbitMQ closes the channel on a
   * failed check, as on a failed consume: open a new channel for a new subscriber.
   */
  async ready(signal: AbortSignal): Promise<void> {
    const { deadLetterExchange, queue } = this.#topology;
    this.#watchClose(); // a failed check closes the channel: what comes after must know
    await checked(`queue ${JSON.stringify(queue)}`, this.#channel.checkQueue(queue));
    await checked(`exchange ${JSON.stringify(deadLetterExchange)}`, this.#channel.checkExchange(deadLetterExchange));
    if (signal.aborted) return;
    await this.#start().catch((thrown: unknown) => {
      throw refusal(`queue ${JSON.stringify(queue)}`, (thrown as KitError).cause) ?? thrown;
    });
  }

  async receive(max: number, signal: AbortSignal): Promise<readonly AmqpMessage[]> {
    const stopped = (): boolean => signal.aborted || this.#closing; // read afresh after the await
    if (signal.aborted) return [];
    if (this.#closing) return abortedBy(signal);
    if (this.#broken !== undefined) throw this.#broken;
    if (this.#consumerTag === undefined) {
      await this.#start();
      if (stopped()) return [];
    }
    if (this.#buffer.length > 0) return this.#take(max);
    return new Promise<AmqpMessage[]>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiter = undefined;
        resolve([]);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiter = {
        max,
        resolve: (messages) => {
          signal.removeEventListener("abort", onAbort);
          resolve(messages);
        },
        reject: (err) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      };
    });
  }

  /** Why the channel is unusable (it closed), or `undefined` while it works. */
  get broken(): KitError | undefined {
    return this.#broken;
  }

  /** Starts consuming now rather than at the first receive; rejects with `unavailable` when the broker refuses. */
  start(): Promise<void> {
    return this.#start();
  }

  // A message whose channel closed is settled by nothing: the broker gives it back itself and
  // delivers it again (redelivered). Failing here would only report it, and retry, several times.
  ack(message: AmqpMessage): Promise<void> {
    if (this.#broken !== undefined) return done;
    return settled(() => {
      this.#channel.ack(message.raw);
      batchWrites(this.#channel);
    });
  }

  release(message: AmqpMessage): Promise<void> {
    if (this.#broken !== undefined) return done;
    return settled(() => {
      this.#channel.nack(message.raw, false, true);
      batchWrites(this.#channel);
    });
  }

  async retryLater(message: AmqpMessage, delay: number): Promise<void> {
    if (this.#broken !== undefined) return;
    const { raw } = message;
    const options = copyOptions(raw.properties, new Map([[attemptsHeader, String(message.attempt + 1)]]));
    options.expiration = String(Math.max(0, Math.round(delay)));
    await publishConfirmed(this.#channel, "", this.#topology.retryQueue, raw.content, options);
    this.#channel.ack(raw);
  }

  async deadLetter(message: AmqpMessage, headers: ReadonlyMap<string, string>): Promise<void> {
    if (this.#broken !== undefined) return;
    const { raw } = message;
    const options = copyOptions(raw.properties, headers);
    options.deliveryMode = 2; // a dead letter is kept until someone looks at it
    await publishConfirmed(this.#channel, this.#topology.deadLetterExchange, this.#topology.queue, raw.content, options);
    this.#channel.ack(raw);
  }

  reply(message: AmqpMessage, reply: OutgoingMessage): Promise<void> {
    return settled(() => {
      if (message.reply === undefined) return;
      const correlationId: unknown = message.raw.properties.correlationId;
      const base = typeof correlationId === "string" ? { correlationId } : {};
      // Sent on the channel the request is acknowledged on, so the broker has the reply before the
      // ack: amqplib writes a channel's publishes and acks to the socket in the order they were made.
      this.#channel.publish("", message.reply, bufferOf(reply.body), publishOptions(reply.headers, base));
      batchWrites(this.#channel);
    });
  }

  /**
   * Stops consuming: cancels the consumer, so the broker sends nothing more, then gives back
   * what it had sent that the runtime never took. Messages in the runtime's hands are still
   * settled on the channel afterwards.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#closing = true;
    this.#wake([]);
    try {
      await this.#starting;
    } catch {
      // it never consumed: nothing to cancel
    }
    const tag = this.#consumerTag;
    this.#consumerTag = undefined;
    try {
      if (tag !== undefined && this.#broken === undefined) await this.#channel.cancel(tag);
    } finally {
      this.#stopped = true;
      this.#channel.off("close", this.#onClose);
      const unread = this.#buffer.splice(0);
      if (this.#broken === undefined) for (const raw of unread) this.#channel.nack(raw, false, true);
    }
  }

  /**
   * Resolves once the broker has processed everything written on the channel so far (the acks
   * of the last messages above all): a synchronous method (`basic.qos` with the same prefetch,
   * which changes nothing for a consumer already started) answered in order after them. Without
   * it, a `connection.close()` right after `close()` could overtake the last acks, and those
   * messages would be delivered again. Nothing to do on a channel that closed.
   */
  async flush(): Promise<void> {
    if (this.#broken !== undefined) return;
    await this.#channel.prefetch(this.#prefetch);
  }

  #start(): Promise<void> {
    this.#starting ??= this.#consume().catch((thrown: unknown) => {
      this.#starting = undefined;
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw broke(`cannot consume from queue ${JSON.stringify(this.#topology.queue)}: ${reason}`, thrown);
    });
    return this.#starting;
  }

  /** Listens for the channel closing (once), which breaks the subscriber. */
  #watchClose(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#channel.on("close", this.#onClose);
  }

  async #consume(): Promise<void> {
    this.#watchClose();
    // Both go out at once and in order, so the prefetch applies to this consumer even when
    // another subscriber on the channel sets its own in between.
    const prefetch = this.#channel.prefetch(this.#prefetch);
    const consume = this.#channel.consume(this.#topology.queue, (raw) => {
      this.#deliver(raw);
    });
    await prefetch;
    const { consumerTag } = await consume;
    this.#consumerTag = consumerTag;
  }

  #listening = false;

  #deliver(raw: ConsumeMessage | null): void {
    if (raw === null) {
      // The broker cancelled the consumer (the queue was deleted): consume again on the next receive.
      this.#consumerTag = undefined;
      this.#starting = undefined;
      if (!this.#closing) this.#fail(broke(`the broker cancelled the consumer on queue ${JSON.stringify(this.#topology.queue)}`));
      return;
    }
    if (this.#stopped) {
      this.#channel.nack(raw, false, true);
      return;
    }
    this.#buffer.push(raw);
    if (this.#waiter !== undefined && !this.#closing) this.#wake(this.#take(this.#waiter.max));
  }

  #take(max: number): AmqpMessage[] {
    return this.#buffer.splice(0, Math.max(0, max)).map((raw) => toMessage(raw, this.#replyAllowed));
  }

  #wake(messages: AmqpMessage[] | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter === undefined) return;
    if (messages === undefined) waiter.reject(this.#broken ?? broke("the AMQP channel closed"));
    else waiter.resolve(messages);
  }

  #fail(err: KitError): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(err);
  }
}

/** The `KitError` for a check the broker refused: 404 is `not_found`, 403 `permission_denied`; `undefined` for anything else. */
function refusal(what: string, thrown: unknown): KitError | undefined {
  const code: unknown = (thrown as { code?: unknown } | null)?.code;
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  if (code === 404) return new KitError(Code.NotFound, `${what} does not exist: ${reason}`, { cause: thrown });
  if (code === 403) return new KitError(Code.PermissionDenied, `${what} may not be used: ${reason}`, { cause: thrown });
  return undefined;
}

/** Awaits a broker check, its refusal as a `KitError` (see {@link refusal}), anything else `unavailable`. */
async function checked(what: string, check: Promise<unknown>): Promise<void> {
  try {
    await check;
  } catch (thrown) {
    throw refusal(what, thrown) ?? broke(`cannot check ${what}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown);
  }
}

/** Nothing, once `signal` aborts: what a stopped driver gives a runtime that has not closed yet. */
function abortedBy(signal: AbortSignal): Promise<AmqpMessage[]> {
  return new Promise((resolve) => {
    signal.addEventListener(
      "abort",
      () => {
        resolve([]);
      },
      { once: true },
    );
  });
}

function toMessage(raw: ConsumeMessage, replyAllowed: ReplyAllowed): AmqpMessage {
  const replyTo: unknown = raw.properties.replyTo;
  const headers = headersOf(raw.properties);
  spendTimeInQueue(headers); // the time it waited in the queue (a retry's too) is off its kit-timeout
  const reply = typeof replyTo === "string" && replyTo !== "" ? replyTo : undefined;
  const allowed = reply === undefined || replyAllowed(reply);
  return {
    raw,
    body: raw.content,
    headers,
    attempt: attemptOf(raw),
    reply: allowed ? reply : undefined,
    ...(allowed ? {} : { refusedReply: reply }),
  };
}

/** A settled promise, shared. */
const done = Promise.resolve();

function settled(action: () => void): Promise<void> {
  try {
    action();
    return Promise.resolve();
  } catch (err) {
    return Promise.reject(err); // eslint-disable-line @typescript-eslint/prefer-promise-reject-errors -- rethrown as it came
  }
}
