// Shared by the integration tests: the broker's address, unique names, and what a queue holds (a
// wait for a condition is @kit/test-support's until).
import { randomUUID } from "node:crypto";
import { connect, type Channel, type ChannelModel } from "amqplib";
import type { Topology } from "../src/topology.ts";

/** The RabbitMQ the integration tests use; they fail (never skip) when it is not running. */
export const amqpUrl = process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

const recorded = new WeakMap<object, Error[]>();

/** The errors a connection or channel from {@link open} or {@link watch} emitted. */
export function errorsOf(emitter: object): readonly Error[] {
  return recorded.get(emitter) ?? [];
}

/** A connection to the test broker, with errors recorded instead of thrown. */
export async function open(): Promise<ChannelModel> {
  const connection = await connect(amqpUrl);
  const errors: Error[] = [];
  recorded.set(connection, errors);
  connection.on("error", (err: Error) => errors.push(err));
  return connection;
}

/** Records a channel's errors (amqplib throws them when nobody listens); read them with {@link errorsOf}. */
export function watch<C extends Channel>(channel: C): C {
  const errors: Error[] = [];
  recorded.set(channel, errors);
  channel.on("error", (err: Error) => errors.push(err));
  return channel;
}

/** A queue name no other run uses. */
export function uniqueQueue(label: string): string {
  return `kit-amqp-test.${label}.${randomUUID().slice(0, 8)}`;
}

/** Deletes what `assertTopology` declared. */
export async function deleteTopology(connection: ChannelModel, topology: Topology): Promise<void> {
  const channel = watch(await connection.createChannel());
  await channel.deleteQueue(topology.queue);
  await channel.deleteQueue(topology.retryQueue);
  await channel.deleteQueue(topology.deadLetterQueue);
  await channel.deleteExchange(topology.deadLetterExchange);
  await channel.close();
}

/** Messages ready in a queue (not counting those delivered and unacknowledged). */
export async function ready(connection: ChannelModel, queue: string): Promise<number> {
  const channel = watch(await connection.createChannel());
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close();
  }
}

/** A promise and its resolver. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
