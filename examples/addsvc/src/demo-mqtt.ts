// The addsvc demo over MQTT: serves addsvc's endpoints on MQTT topics of its own and calls them
// through the Kit MQTT client (a sum, a concat, a business error), printing each result. demo.ts
// runs it when Mosquitto answers; the integration test runs it too.
import { randomUUID } from "node:crypto";
import { background, withTimeout } from "@kit/endpoint";
import { discard } from "@kit/metrics";
import { connect, connectAsync } from "mqtt";
import { checkCalls } from "./demo-calls.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import type { Logger } from "@kit/log";
import { logErrorHandler, whenReady } from "@kit/transport";
import { mqttClient } from "./demo-clients.ts";
import { mqttSubscribers } from "./generated/add.mqtt.ts";
import { newBasicService } from "./service.ts";

/**
 * Starts addsvc over MQTT on the broker at `url` (topics `addsvc-demo/<random>/sum` and
 * `/concat`, on a session that expires 10 s after the demo), calls `sum(2, 3)`,
 * `concat("kit", "go")` and `sum(0, 0)` through {@link mqttClient}, prints each call and its
 * result, then closes the server and both clients. Throws if a result is wrong (after cleaning
 * up), so a caller can exit non-zero.
 *
 * @param url - the broker, such as `mqtt://127.0.0.1:1883`
 * @param print - where each line goes, such as `console.log`
 * @param logger - where the server's log lines go; default nowhere
 */
export async function demoMqtt(url: string, print: (line: string) => void, logger: Logger = { log: () => undefined }): Promise<void> {
  const id = randomUUID().slice(0, 8);
  const topicPrefix = `addsvc-demo/${id}`;
  const serverClient = connect(url, {
    protocolVersion: 5,
    clientId: `addsvc-demo-${id}`,
    clean: false,
    properties: { sessionExpiryInterval: 10, receiveMaximum: 16 },
  });
  const problems: string[] = [];
  try {
    const server = await whenReady(mqttSubscribers(serverClient, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: discard() }), { prefix: topicPrefix, subscriber: { group: "addsvc", errorHandler: logErrorHandler(logger) } }));
    const callerClient = await connectAsync(url, { protocolVersion: 5, connectTimeout: 5_000 });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      print(`Calling addsvc over MQTT (topics ${topicPrefix}/sum, ${topicPrefix}/concat) through the Kit MQTT client:`);
      problems.push(...(await checkCalls(mqttClient(callerClient, { topicPrefix }), ctx, print)));
    } finally {
      cancel();
      await server.close();
      await callerClient.endAsync();
    }
  } finally {
    await serverClient.endAsync();
  }
  if (problems.length > 0) throw new Error(`the MQTT demo went wrong: ${problems.join("; ")}`);
  print("All 3 calls over MQTT answered as expected; server closed.");
}
