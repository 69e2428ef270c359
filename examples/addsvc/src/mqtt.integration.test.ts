// addsvc over MQTT against the Mosquitto at MQTT_URL (default mqtt://127.0.0.1:1883): the server,
// the client, the wire format, bad input and the demo. Each test uses topics and client ids of its
// own, on sessions that expire a minute after the test.
import { randomUUID } from "node:crypto";
import { background, isKitError, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, logErrorHandler, whenReady } from "@kit/transport";
import { publisher } from "@kit/transport-mqtt";
import { connect, connectAsync, type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { recorder } from "../test/support.ts";
import { demoMqtt } from "./demo-mqtt.ts";
import { makeEndpoints, type AddEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { mqttClient } from "./demo-clients.ts";
import { mqttSubscribers } from "./generated/add.mqtt.ts";
import { newBasicService } from "./service.ts";

const url = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Serves addsvc on topics of its own; closes it and ends its client after the test. */
/** addsvc's MQTT wiring, as serveAdd (src/generated/add.serve.ts) does it, on the topics `<topicPrefix>/sum` and `/concat`. */
async function serveMqtt(client: MqttClient, endpoints: AddEndpoints, { logger, topicPrefix, group }: { logger: ReturnType<typeof recorder>; topicPrefix: string; group: string }) {
  const sub = await whenReady(mqttSubscribers(client, endpoints, { prefix: topicPrefix, subscriber: { concurrency: 16, group, errorHandler: logErrorHandler(logger) } }));
  return { topics: [`${topicPrefix}/sum`, `${topicPrefix}/concat`] as const, close: () => sub.close() };
}
type MqttServer = Awaited<ReturnType<typeof serveMqtt>>;

async function serve(): Promise<{ server: MqttServer; topicPrefix: string; metrics: ReturnType<typeof memory>; logger: ReturnType<typeof recorder> }> {
  const logger = recorder();
  const metrics = memory();
  const topicPrefix = `addsvc-test/${randomUUID().slice(0, 8)}`;
  const client = connect(url, {
    protocolVersion: 5,
    clientId: `addsvc-test-${randomUUID().slice(0, 8)}`,
    clean: false,
    properties: { sessionExpiryInterval: 60, receiveMaximum: 16 },
  });
  const server = await serveMqtt(client, withMiddleware(makeEndpoints(newBasicService()), { logger, metrics }), { logger, topicPrefix, group: "addsvc-test" });
  cleanup.push(async () => {
    await server.close();
    await client.endAsync();
  });
  return { server, topicPrefix, metrics, logger };
}

async function connected(): Promise<MqttClient> {
  const client = await connectAsync(url, { protocolVersion: 5 });
  cleanup.push(() => client.endAsync());
  return client;
}

describe("addsvc over MQTT", () => {
  it("answers sum and concat through the Kit MQTT client, and brings a business error back as it was thrown", async () => {
    const { topicPrefix, metrics } = await serve();
    const svc = mqttClient(await connected(), { topicPrefix });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await svc.sum(ctx, 2, 3)).toBe(5);
      expect(await svc.concat(ctx, "kit", "go")).toBe("kitgo");
      const err: unknown = await svc.sum(ctx, 0, 0).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "invalid_argument", message: "can't sum two zeroes" });
    } finally {
      cancel();
    }
    expect(metrics.value("requests_total", { endpoint: "sum", code: "ok" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "sum", code: "invalid_argument" })).toBe(1);
    expect(metrics.value("requests_total", { endpoint: "concat", code: "ok" })).toBe(1);
  });

  it("speaks the HTTP transport's JSON, answers a garbage request invalid_argument, and dead-letters a garbage event once", async () => {
    const { server, topicPrefix, logger } = await serve();
    const watcher = await connected();
    const dead: { body: string; code: unknown }[] = [];
    watcher.on("message", (_topic, payload, packet) => {
      dead.push({ body: payload.toString(), code: packet.properties?.userProperties?.["kit-error-code"] });
    });
    await watcher.subscribeAsync(`${topicPrefix}/sum/dead`, { qos: 1 });
    const rawSum = publisher<string, unknown>(
      await connected(),
      server.topics[0],
      (_ctx, body, message) => {
        message.body = Buffer.from(body);
      },
      decodeJSONMessage(),
    );
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      expect(await rawSum(ctx, '{"A":1,"B":2}')).toEqual({ v: 3 });
      const err: unknown = await rawSum(ctx, "{not json").catch((thrown: unknown) => thrown);
      expect(isKitError(err) && err.code).toBe("invalid_argument");
      const wrongType: unknown = await rawSum(ctx, '{"a":"two"}').catch((thrown: unknown) => thrown);
      expect(isKitError(wrongType) && wrongType.message).toBe("json: cannot unmarshal string into Go struct field SumRequest.A of type int");
      // Without a response topic nobody can be answered: the message goes to the dead letter, once.
      const events = await connected();
      await events.publishAsync(server.topics[0], "{not json", { qos: 1 });
      await events.publishAsync(server.topics[0], '{"a":"two"}', { qos: 1 });
    } finally {
      cancel();
    }
    const until = Date.now() + 5_000;
    while (dead.length < 2 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200)); // and nothing more comes
    expect(dead).toEqual([
      { body: "{not json", code: "invalid_argument" },
      { body: '{"a":"two"}', code: "invalid_argument" },
    ]);
    expect(logger.lines.some((line) => line.includes("invalid_argument"))).toBe(true);
  });

  it("is unavailable at once when the client is not connected", async () => {
    const client = connect("mqtt://127.0.0.1:20901", { protocolVersion: 5, reconnectPeriod: 0 }); // nothing listens there
    const svc = mqttClient(client, { topicPrefix: "addsvc-test/nobody" });
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      const err: unknown = await svc.sum(ctx, 1, 2).catch((thrown: unknown) => thrown);
      expect(isKitError(err) && err.code).toBe("unavailable");
    } finally {
      cancel();
      await client.endAsync(true);
    }
  });

  it("runs the MQTT demo: three calls printed and checked", async () => {
    const lines: string[] = [];
    await demoMqtt(url, (line) => lines.push(line));
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/sum\(2, 3\) → 5 {2}✓/);
    expect(lines[2]).toMatch(/concat\("kit", "go"\) → "kitgo" {2}✓/);
    expect(lines[3]).toMatch(/sum\(0, 0\) → error invalid_argument: can't sum two zeroes {2}✓/);
  });
});
