// The addsvc demo over AMQP: serves addsvc's endpoints on RabbitMQ queues of its own and calls
// them through the Kit AMQP client (a sum, a concat, a business error), printing each result.
// demo.ts runs it after the HTTP demo when a broker is given; the integration test runs it too.
import { randomUUID } from "node:crypto";
import { background, withTimeout } from "@kit/endpoint";
import { discard } from "@kit/metrics";
import { connect, topologyOf } from "@kit/transport-amqp";
import { logErrorHandler, whenReady } from "@kit/transport";
import { amqpClient } from "./demo-clients.ts";
import { amqpSubscribers, amqpTopology } from "./generated/add.amqp.ts";
import { checkCalls } from "./demo-calls.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import type { Logger } from "@kit/log";
import { newBasicService } from "./service.ts";

/**
 * Starts addsvc over AMQP on the broker at `url` (queues `addsvc-demo.<random>.sum` and
 * `.concat`), calls `sum(2, 3)`, `concat("kit", "go")` and `sum(0, 0)` through
 * {@link amqpClient}, prints each call and its result, then closes the server, deletes its
 * queues and exchanges, and closes the connection. Throws if a result is wrong (after cleaning
 * up), so a caller can exit non-zero.
 *
 * @param url - the broker, such as `amqp://guest:guest@127.0.0.1:5672`
 * @param print - where each line goes, such as `console.log`
 * @param logger - where the server's log lines go; default nowhere
 *
 * @example
 * ```ts
 * await demoAmqp("amqp://guest:guest@127.0.0.1:5672", console.log);
 * // sum(2, 3) over AMQP → 5 ✓ …
 * ```
 */
export async function demoAmqp(url: string, print: (line: string) => void, logger: Logger = { log: () => undefined }): Promise<void> {
  const connection = await connect(url, { errorHandler: { handle: () => undefined } }); // a failure shows as a failed call below
  const queuePrefix = `addsvc-demo.${randomUUID().slice(0, 8)}`;
  const problems: string[] = [];
  try {
    const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: discard() });
    await amqpTopology(connection, { prefix: queuePrefix });
    const server = await whenReady(amqpSubscribers(connection, endpoints, { prefix: queuePrefix, subscriber: { errorHandler: logErrorHandler(logger) } }));
    const queues = [`${queuePrefix}.sum`, `${queuePrefix}.concat`];
    const svc = amqpClient(connection, { queuePrefix });
    print(`Calling addsvc over AMQP (queues ${queues.join(", ")}) through the Kit AMQP client:`);
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      problems.push(...(await checkCalls(svc, ctx, print)));
    } finally {
      cancel();
      await server.close();
      const channel = await connection.createChannel(false);
      for (const queue of queues) {
        const names = topologyOf(queue);
        for (const name of [names.queue, names.retryQueue, names.deadLetterQueue]) await channel.deleteQueue(name);
        await channel.deleteExchange(names.deadLetterExchange);
      }
      await channel.close();
    }
  } finally {
    await connection.close();
  }
  if (problems.length > 0) throw new Error(`the AMQP demo went wrong: ${problems.join("; ")}`);
  print("All 3 calls over AMQP answered as expected; queues deleted.");
}
