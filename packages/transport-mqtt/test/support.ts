// Shared by the integration tests: clients of the real Mosquitto, unique names, sleeping (a wait
// for a condition is @kit/test-support's until).
import { randomBytes } from "node:crypto";
import { connect, connectAsync, type MqttClient } from "mqtt";

/** The broker the integration tests use: `MQTT_URL`, or the local Mosquitto. They fail (never skip) without it. */
export const mqttUrl = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";

/** A name no other test run uses, such as `kit-test-9f3a1c2b`, valid as a topic level and a client id. */
export function unique(prefix = "kit-test"): string {
  return `${prefix}-${randomBytes(6).toString("hex")}`;
}

/** A connected plain MQTT 5 client (publishers, requesters, dead-letter readers). */
export function connectMqtt(url = mqttUrl): Promise<MqttClient> {
  return connectAsync(url, { protocolVersion: 5, clientId: unique("kit-pub"), reconnectPeriod: 200, connectTimeout: 5_000 });
}

/**
 * A subscriber's MQTT 5 client on a persistent session (`clientId`), of `receiveMaximum`
 * messages in flight, connecting: put the subscriber on it in the same turn, before the
 * messages its session kept arrive (mqtt.js acknowledges what nobody holds).
 */
export function sessionClient(clientId: string, receiveMaximum = 16, url = mqttUrl): MqttClient {
  return connect(url, {
    protocolVersion: 5,
    clientId,
    clean: false,
    properties: { sessionExpiryInterval: 300, receiveMaximum },
    reconnectPeriod: 200,
    connectTimeout: 5_000,
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Collects what arrives on `topic` (a dead-letter topic): payloads and user properties. */
export async function collect(client: MqttClient, topic: string): Promise<{ body: string; props: Record<string, unknown> }[]> {
  const got: { body: string; props: Record<string, unknown> }[] = [];
  client.on("message", (to, payload, packet) => {
    if (to === topic) got.push({ body: payload.toString("utf8"), props: { ...packet.properties?.userProperties } });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return got;
}
