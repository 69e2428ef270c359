// The generated MQTT transport against the real Mosquitto (127.0.0.1:1883): every method by
// request and reply (MQTT 5 response topics), an event, error codes, a request that fails
// validation answered invalid_argument, and an event that fails it dead-lettered.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { publisher } from "@kit/transport-mqtt";
import { connect, connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryClient, inventoryMethods, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { inventoryMqttNames, mqttSubscribers, mqttTransport, type MqttOptions } from "./fixtures/inventory/generated/inventory.mqtt.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const url = process.env.MQTT_URL ?? "mqtt://127.0.0.1:1883";
const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test/${run}/${inventoryMqttNames[m]}`]));
const options: MqttOptions = { names };
const impl = new Inventory();
let server: MqttClient;
let client: MqttClient;
let subscribers: { close(): Promise<void> };
let svc: InventoryService;

beforeAll(async () => {
  // The subscribers' client on a persistent session, made in the same turn as the subscribers.
  server = connect(url, { protocolVersion: 5, clientId: `kitgen-test-${run}`, clean: false, properties: { sessionExpiryInterval: 60, receiveMaximum: 16 } });
  const subs = mqttSubscribers(server, makeEndpoints(impl), { ...options, subscriber: { group: "inventory", backoff: () => 5, maxAttempts: 2 } });
  await subs.ready;
  subscribers = subs;
  client = await connectAsync(url, { protocolVersion: 5 });
  svc = inventoryClient(mqttTransport(client, options));
});
afterAll(async () => {
  await subscribers.close();
  await Promise.all([server.endAsync(), client.endAsync()]);
});

function ctx() {
  return withTimeout(background(), 5_000)[0];
}

describe("generated MQTT transport", () => {
  it("serves every method on <service>/<kebab-method> and calls it through a client that implements the interface", async () => {
    expect(inventoryMqttNames).toMatchObject({ getItem: "inventory/get-item", recordSale: "inventory/record-sale" });
    expect(await svc.getItem(ctx(), "ABC-001", true)).toMatchObject({ sku: "ABC-001", attributes: { verbose: "yes" } });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], "gift")).toEqual({ id: "order-1", total: 2 });
    expect(await svc.categories(ctx())).toMatchObject({ name: "all" });
    await svc.recordSale(ctx(), "ABC-001", 99); // an event: resolves on the broker's PUBACK, no reply
    await expect.poll(() => impl.sales).toContainEqual({ sku: "ABC-001", at: 99 });
  });

  it("keeps error codes, and answers a request that fails validation invalid_argument naming the field", async () => {
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
    const raw = publisher<string, unknown>(
      client,
      names.restock!,
      (_ctx, body, message) => {
        message.body = Buffer.from(body);
      },
      () => undefined,
    );
    const err: unknown = await raw(ctx(), JSON.stringify({ sku: "ABC-001", quantity: "lots" })).catch((thrown: unknown) => thrown);
    expect(isKitError(err) && { code: err.code, message: err.message }).toEqual({ code: "invalid_argument", message: "quantity: expected a number" });
  });

  it("dead-letters an event that fails validation to <topic>/dead, naming the field", async () => {
    const dead: unknown[] = [];
    const watcher = await connectAsync(url, { protocolVersion: 5 });
    watcher.on("message", (_topic, _payload, packet) => dead.push(packet.properties?.userProperties?.["kit-error-message"]));
    await watcher.subscribeAsync(`${names.recordSale!}/dead`, { qos: 1 });
    try {
      await client.publishAsync(names.recordSale!, JSON.stringify({ sku: "ABC-001", at: "soon" }), { qos: 1 });
      await expect.poll(() => dead).toEqual(["at: expected a number"]);
    } finally {
      await watcher.endAsync();
    }
  });
});
