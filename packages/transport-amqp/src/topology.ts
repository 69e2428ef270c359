import type { Channel } from "amqplib";
import { isAmqpConnection, type AmqpConnection } from "./connection.ts";

/** The names of the queues and exchange that serve one work queue; see {@link topologyOf}. */
export interface Topology {
  /** The work queue the subscriber consumes. */
  readonly queue: string;
  /**
   * Where a retried message waits: the subscriber publishes it here with a per-message TTL (the
   * backoff delay); when it expires, RabbitMQ dead-letters it through the default exchange back
   * to {@link Topology.queue}. Default `<queue>.retry`.
   */
  readonly retryQueue: string;
  /** The direct exchange dead letters are published to, with the work queue's name as routing key. Default `<queue>.dlx`. */
  readonly deadLetterExchange: string;
  /** The queue bound to {@link Topology.deadLetterExchange} for the work queue's name, where dead letters are kept. Default `<queue>.dead`. */
  readonly deadLetterQueue: string;
}

/**
 * The names a subscriber on `queue` uses, `overrides` replacing the defaults:
 * `<queue>.retry`, `<queue>.dlx` and `<queue>.dead`.
 *
 * @param queue - the work queue
 * @param overrides - names to use instead of the defaults
 *
 * @example
 * ```ts
 * topologyOf("orders"); // { queue: "orders", retryQueue: "orders.retry", deadLetterExchange: "orders.dlx", deadLetterQueue: "orders.dead" }
 * ```
 */
export function topologyOf(queue: string, overrides: Partial<Omit<Topology, "queue">> = {}): Topology {
  return {
    queue,
    retryQueue: overrides.retryQueue ?? `${queue}.retry`,
    deadLetterExchange: overrides.deadLetterExchange ?? `${queue}.dlx`,
    deadLetterQueue: overrides.deadLetterQueue ?? `${queue}.dead`,
  };
}

/** Options for {@link assertTopology}. */
export interface TopologyOptions extends Partial<Omit<Topology, "queue">> {
  /**
   * `"classic"` (default) or `"quorum"` (replicated; RabbitMQ counts its redeliveries in
   * `x-delivery-count`, which the subscriber adds to the attempt). Applies to the work queue and
   * the dead-letter queue.
   */
  readonly type?: "classic" | "quorum";
  /** Whether the queues and exchange survive a broker restart (default `true`; quorum queues always do). */
  readonly durable?: boolean;
}

/**
 * Declares what a subscriber on `queue` needs, idempotently, and returns the names:
 *
 * - the work queue `queue`, whose own dead-letter exchange is the dead-letter exchange, so a
 *   message the broker itself dead-letters (a consumer's `nack` without requeue, a quorum
 *   queue's delivery limit) ends up with the others;
 * - the retry queue, with no consumer, dead-lettering expired messages back to `queue`
 *   through the default exchange; a retried message waits there for its per-message TTL;
 * - the dead-letter exchange (direct) and the dead-letter queue bound to it for `queue`.
 *
 * RabbitMQ expires per-message TTLs only at the head of a queue, so a retry with a long delay
 * holds up shorter ones behind it in the same retry queue: with the default backoff (100 ms
 * to 30 s) a retry can come back late, never early and never lost. Declaring a queue that
 * exists with other arguments fails with `PRECONDITION_FAILED` and closes the channel; set up
 * such a queue yourself with the same shape and pass the names to the subscriber.
 *
 * On a connection from `connect`, the declaration is made again after every reconnection
 * (see `AmqpConnection.declare`), before the subscribers consume again.
 *
 * @param on - a connection from `connect`, or a channel to declare on
 * @param queue - the work queue
 * @param options - names, queue type, durability
 *
 * @example
 * ```ts
 * const topology = await assertTopology(channel, "orders");
 * // orders → (retry) orders.retry ⟲ orders; (dead letter) orders.dlx → orders.dead
 * ```
 */
export async function assertTopology(on: AmqpConnection | Channel, queue: string, options: TopologyOptions = {}): Promise<Topology> {
  const topology = topologyOf(queue, options);
  if (isAmqpConnection(on)) {
    await on.declare((channel) => declareTopology(channel, topology, options));
    return topology;
  }
  await declareTopology(on, topology, options);
  return topology;
}

async function declareTopology(channel: Channel, topology: Topology, options: TopologyOptions): Promise<void> {
  const { queue } = topology;
  const { type = "classic" } = options;
  const durable = type === "quorum" ? true : (options.durable ?? true);
  const typeArgs = type === "quorum" ? { "x-queue-type": "quorum" } : {};
  await channel.assertExchange(topology.deadLetterExchange, "direct", { durable });
  await channel.assertQueue(topology.deadLetterQueue, { durable, arguments: { ...typeArgs } });
  await channel.bindQueue(topology.deadLetterQueue, topology.deadLetterExchange, queue);
  await channel.assertQueue(queue, {
    durable,
    arguments: { ...typeArgs, "x-dead-letter-exchange": topology.deadLetterExchange, "x-dead-letter-routing-key": queue },
  });
  await channel.assertQueue(topology.retryQueue, {
    durable,
    arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue },
  });
}
