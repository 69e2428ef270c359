// The addsvc demo over Redis Streams: serves addsvc's endpoints on streams of its own and calls
// them through the Kit Redis client (a sum, a concat, a business error), printing each result.
// demo.ts runs it when Redis answers; the integration test runs it too.
import { randomUUID } from "node:crypto";
import { background, withTimeout } from "@kit/endpoint";
import { discard } from "@kit/metrics";
import { createClient } from "redis";
import { checkCalls } from "./demo-calls.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import type { Logger } from "@kit/log";
import { logErrorHandler, whenReady } from "@kit/transport";
import { redisClient } from "./demo-clients.ts";
import { redisSubscribers } from "./generated/add.redis.ts";
import { newBasicService } from "./service.ts";

/**
 * Starts addsvc over Redis Streams at `url` (streams `addsvc-demo:<random>:sum` and `:concat`),
 * calls `sum(2, 3)`, `concat("kit", "go")` and `sum(0, 0)` through {@link redisClient}, prints
 * each call and its result, then closes the server and the client and deletes the streams.
 * Throws if a result is wrong (after cleaning up), so a caller can exit non-zero.
 *
 * @param url - the server, such as `redis://127.0.0.1:6379`
 * @param print - where each line goes, such as `console.log`
 * @param logger - where the server's log lines go; default nowhere
 */
export async function demoRedis(url: string, print: (line: string) => void, logger: Logger = { log: () => undefined }): Promise<void> {
  const redis = createClient({ url, socket: { connectTimeout: 5_000 } });
  redis.on("error", () => undefined); // a failure shows as a failed call below
  await redis.connect();
  const streamPrefix = `addsvc-demo:${randomUUID().slice(0, 8)}`;
  const problems: string[] = [];
  try {
    const server = await whenReady(redisSubscribers(redis, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: discard() }), { prefix: streamPrefix, subscriber: { group: "addsvc", errorHandler: logErrorHandler(logger) } }));
    const streams = [`${streamPrefix}:sum`, `${streamPrefix}:concat`];
    const svc = redisClient(redis, { streamPrefix });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      print(`Calling addsvc over Redis Streams (streams ${streams.join(", ")}) through the Kit Redis client:`);
      problems.push(...(await checkCalls(svc, ctx, print)));
    } finally {
      cancel();
      await svc.close();
      await server.close();
      await redis.del(streams.flatMap((stream) => [stream, `${stream}:dead-letter`]));
    }
  } finally {
    redis.destroy();
  }
  if (problems.length > 0) throw new Error(`the Redis demo went wrong: ${problems.join("; ")}`);
  print("All 3 calls over Redis Streams answered as expected; streams deleted.");
}
