// The addsvc demo over NATS: serves addsvc's endpoints as the NATS service `addsvc` on subjects
// of its own, calls them through the Kit NATS client (a sum, a concat, a business error),
// printing each result, and shows the service's answer to `$SRV.PING`. demo.ts runs it when a
// NATS server is given; the integration test runs it too.
import { randomUUID } from "node:crypto";
import { background, withTimeout } from "@kit/endpoint";
import { discard } from "@kit/metrics";
import type { NatsConnection } from "@nats-io/nats-core";
import { checkCalls } from "./demo-calls.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import type { Logger } from "@kit/log";
import { logErrorHandler, whenReady } from "@kit/transport";
import { Svcm } from "@nats-io/services";
import { natsClient } from "./demo-clients.ts";
import { natsService } from "./generated/add.nats.ts";
import { newBasicService } from "./service.ts";

/**
 * Starts addsvc over NATS on `nc` (the NATS service `addsvc`, subjects
 * `addsvc_demo_<random>.sum` and `.concat`), calls `sum(2, 3)`, `concat("kit", "go")` and
 * `sum(0, 0)` through {@link natsClient}, prints each call and its result, prints this
 * instance's answer to `$SRV.PING.addsvc.<id>`, then closes the server (the connection stays
 * open). Throws if a result is wrong (after closing), so a caller can exit non-zero.
 *
 * @param nc - a connection to the NATS server
 * @param print - where each line goes, such as `console.log`
 * @param logger - where the server's log lines go; default nowhere
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: "127.0.0.1:4222", maxReconnectAttempts: -1 });
 * await demoNats(nc, console.log);
 * // sum(2, 3) → 5 ✓ …
 * await nc.close();
 * ```
 */
export async function demoNats(nc: NatsConnection, print: (line: string) => void, logger: Logger = { log: () => undefined }): Promise<void> {
  const subjectPrefix = `addsvc_demo_${randomUUID().slice(0, 8)}`;
  const problems: string[] = [];
  const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: discard() });
  const service = await new Svcm(nc).add({ name: "addsvc", version: "0.0.0", queue: subjectPrefix });
  const served = await whenReady(natsService(nc, service, endpoints, { prefix: subjectPrefix, subscriber: { errorHandler: logErrorHandler(logger) } }));
  await nc.flush();
  const { id } = service.info();
  const svc = natsClient(nc, { subjectPrefix });
  print(`Calling addsvc over NATS (subjects ${subjectPrefix}.sum, ${subjectPrefix}.concat) through the Kit NATS client:`);
  const [ctx, cancel] = withTimeout(background(), 5_000);
  try {
    problems.push(...(await checkCalls(svc, ctx, print)));

    const pingSubject = `$SRV.PING.addsvc.${id}`;
    print(`NATS service discovery, ${pingSubject}:`);
    try {
      const ping = (await nc.request(pingSubject, undefined, { timeout: 2_000 })).json<Record<string, unknown>>();
      const ok = ping.name === "addsvc" && ping.id === id && ping.type === "io.nats.micro.v1.ping_response";
      if (!ok) problems.push(`${pingSubject}: expected the ping response of addsvc ${id}`);
      print(`  → ${JSON.stringify(ping)}  ${ok ? "✓" : "✗ expected addsvc's ping response"}`);
    } catch (err) {
      problems.push(`${pingSubject}: ${err instanceof Error ? err.message : String(err)}`);
      print(`  → no answer  ✗`);
    }
  } finally {
    cancel();
    await service.stop();
    await served.close();
  }
  if (problems.length > 0) throw new Error(`the NATS demo went wrong: ${problems.join("; ")}`);
  print("All 3 calls over NATS answered as expected, and the service answered $SRV.PING; server closed.");
}
