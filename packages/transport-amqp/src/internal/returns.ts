import { randomUUID } from "node:crypto";
import { Code, KitError } from "@kit/endpoint";
import type { Channel, ConfirmChannel, Message, Options } from "amqplib";
import { batchWrites } from "./batched-writes.ts";

type OnReturn = (message: Message) => void;

/** The handlers waiting for a `basic.return` on one channel, by message id. */
const returnHandlers = new WeakMap<Channel, Map<string, Set<OnReturn>>>();

/**
 * Calls `onReturn` if the broker returns the message published with `messageId` on `channel`
 * as unroutable (a `mandatory` publish no queue took), until the returned function is called.
 * RabbitMQ sends the return before the publish's confirm, so a confirm callback can look.
 */
export function watchReturn(channel: Channel, messageId: string, onReturn: OnReturn): () => void {
  let handlers = returnHandlers.get(channel);
  if (handlers === undefined) {
    const byId = new Map<string, Set<OnReturn>>();
    handlers = byId;
    returnHandlers.set(channel, byId);
    channel.on("return", (message: Message) => {
      const id: unknown = message.properties.messageId;
      if (typeof id !== "string") return;
      for (const handler of byId.get(id) ?? []) handler(message);
    });
  }
  let set = handlers.get(messageId);
  if (set === undefined) {
    set = new Set();
    handlers.set(messageId, set);
  }
  set.add(onReturn);
  const all = handlers;
  const mine = set;
  return () => {
    mine.delete(onReturn);
    if (mine.size === 0 && all.get(messageId) === mine) all.delete(messageId);
  };
}

/** Why a mandatory message came back. */
export function unroutable(exchange: string, routingKey: string): KitError {
  const where = exchange === "" ? "the default exchange" : `exchange ${JSON.stringify(exchange)}`;
  return new KitError(Code.Unavailable, `no queue took the message: nothing is bound to ${where} for routing key ${JSON.stringify(routingKey)}`);
}

/** What a failed `publish` or confirm means to a caller. */
export function publishFailed(thrown: unknown): KitError {
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new KitError(Code.Unavailable, `the broker did not take the message: ${reason}`, { cause: thrown });
}

/**
 * Publishes `mandatory` on a confirm channel and resolves once the broker confirmed it and
 * it reached a queue; rejects with `unavailable` when the broker refused it (`basic.nack`),
 * returned it as unroutable, or the channel closed first. A message without a `messageId`
 * gets one, so its return can be told apart.
 */
// eslint-disable-next-line max-params -- amqplib's publish(exchange, routingKey, content, options)
export function publishConfirmed(channel: ConfirmChannel, exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
  const messageId = typeof options.messageId === "string" && options.messageId !== "" ? options.messageId : randomUUID();
  return new Promise<void>((resolve, reject) => {
    let returned = false;
    const unwatch = watchReturn(channel, messageId, () => {
      returned = true;
    });
    try {
      channel.publish(exchange, routingKey, content, { ...options, messageId, mandatory: true }, (err: unknown) => {
        unwatch();
        if (err !== null && err !== undefined) reject(publishFailed(err));
        else if (returned) reject(unroutable(exchange, routingKey));
        else resolve();
      });
      batchWrites(channel);
    } catch (thrown) {
      unwatch();
      reject(publishFailed(thrown));
    }
  });
}
