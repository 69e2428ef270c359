import { Code, KitError } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import type { MessageDriver } from "@kit/transport/driver";
import type { ConfirmChannel } from "amqplib";
import type { AmqpConnection } from "../connection.ts";
import type { Topology } from "../topology.ts";
import { AmqpDriver, type AmqpMessage, type ReplyAllowed } from "./driver.ts";

interface Generation {
  readonly channel: ConfirmChannel;
  readonly driver: AmqpDriver;
}

/**
 * The {@link MessageDriver} of a subscriber on an {@link AmqpConnection}: an {@link AmqpDriver}
 * on a confirm channel of its own, and a new channel and driver each time that channel is lost.
 * When the connection is lost, receiving waits (quietly: the loss is reported once) until the
 * connection is back, then consumes again on a new channel and reports that it did. Messages
 * received on a channel that closed are settled by nothing: the broker delivers them again.
 */
export class ManagedAmqpDriver implements MessageDriver<AmqpMessage> {
  readonly retry = "redeliver" as const;
  readonly #connection: AmqpConnection;
  readonly #topology: Topology;
  readonly #prefetch: number;
  readonly #report: (err: KitError) => void;
  readonly #replyAllowed: ReplyAllowed;
  readonly #owners = new WeakMap<AmqpMessage, AmqpDriver>();
  #current: Generation | undefined;
  #lostAt: number | undefined;
  #stopped = false;

  // eslint-disable-next-line max-params -- what each channel's driver is made of, and where the losses go
  constructor(connection: AmqpConnection, topology: Topology, prefetch: number, replyAllowed: ReplyAllowed, report: (err: KitError) => void) {
    this.#connection = connection;
    this.#topology = topology;
    this.#prefetch = prefetch;
    this.#replyAllowed = replyAllowed;
    this.#report = report;
  }

  async receive(max: number, signal: AbortSignal): Promise<readonly AmqpMessage[]> {
    for (;;) {
      if (signal.aborted || this.#stopped) return [];
      const current = this.#current ?? (await this.#open(signal));
      if (current === undefined) return [];
      let received: readonly AmqpMessage[];
      try {
        received = await current.driver.receive(max, signal);
      } catch (err) {
        // A channel that still works (the broker cancelled the consumer) is kept: its driver consumes again on the next receive.
        if (current.driver.broken === undefined) throw err;
        if (this.#current === current) this.#current = undefined;
        if (this.#connection.current !== undefined || this.#connection.closed) throw err; // the channel alone closed: the runtime reports it and tries again on a new one
        this.#lost();
        continue;
      }
      for (const message of received) this.#owners.set(message, current.driver);
      return received;
    }
  }

  ack(message: AmqpMessage): Promise<void> {
    return this.#ownerOf(message).ack(message);
  }

  release(message: AmqpMessage): Promise<void> {
    return this.#ownerOf(message).release(message);
  }

  retryLater(message: AmqpMessage, delay: number): Promise<void> {
    return this.#ownerOf(message).retryLater(message, delay);
  }

  deadLetter(message: AmqpMessage, headers: ReadonlyMap<string, string>): Promise<void> {
    return this.#ownerOf(message).deadLetter(message, headers);
  }

  reply(message: AmqpMessage, reply: OutgoingMessage): Promise<void> {
    return this.#ownerOf(message).reply(message, reply);
  }

  /** Stops consuming (see {@link AmqpDriver.stop}); nothing is consumed again after it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#current?.driver.stop();
  }

  /** Once the messages in flight are settled: closes the subscriber's channel, which resolves after the broker processed its acks. */
  async flush(): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (current === undefined || current.driver.broken !== undefined) return;
    await current.channel.close();
  }

  #ownerOf(message: AmqpMessage): AmqpDriver {
    const owner = this.#owners.get(message);
    if (owner === undefined) throw new KitError(Code.Internal, "a message this subscriber did not receive");
    return owner;
  }

  /** The connection is lost: reported once, until the subscriber consumes again. */
  #lost(): void {
    if (this.#lostAt !== undefined) return;
    this.#lostAt = Date.now();
    this.#report(new KitError(Code.Unavailable, `AMQP queue ${JSON.stringify(this.#topology.queue)}: the connection is lost; consuming again once it is back`));
  }

  /** Waits for the connection, opens a channel and consumes on it; `undefined` when the wait was stopped. */
  async #open(signal: AbortSignal): Promise<Generation | undefined> {
    const model = await this.#connection.whenOpen(signal);
    if (model === undefined) {
      if (this.#connection.closed && !signal.aborted) throw new KitError(Code.Unavailable, "AMQP: the connection was closed before the subscriber");
      return undefined;
    }
    const channel = (await this.#connection.createChannel(true)) as ConfirmChannel;
    const driver = new AmqpDriver(channel, this.#topology, this.#prefetch, this.#replyAllowed);
    try {
      await driver.start();
    } catch (err) {
      await channel.close().catch(() => undefined);
      throw err;
    }
    if (this.#stopped) {
      await driver.stop();
      await channel.close().catch(() => undefined);
      return undefined;
    }
    this.#current = { channel, driver };
    if (this.#lostAt !== undefined) {
      const seconds = ((Date.now() - this.#lostAt) / 1_000).toFixed(1);
      this.#lostAt = undefined;
      this.#report(new KitError(Code.Unavailable, `AMQP queue ${JSON.stringify(this.#topology.queue)}: consuming again, ${seconds} s after the connection was lost; the outage is over`));
    }
    return this.#current;
  }
}
