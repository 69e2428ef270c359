// The generated AMQP transport against the real RabbitMQ (127.0.0.1:5672): the topology, every
// method over direct reply-to, an event, error codes, and a poison message dead-lettered.
import { randomUUID } from "node:crypto";
import { background, Code, isKitError, withTimeout } from "@kit/endpoint";
import { topologyOf } from "@kit/transport-amqp";
import { connect, type ChannelModel, type ConfirmChannel } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amqpSubscribers, amqpTopology, amqpTransport, inventoryAmqpNames, type AmqpOptions } from "./fixtures/inventory/generated/inventory.amqp.ts";
import { inventoryClient, inventoryMethods, makeEndpoints } from "./fixtures/inventory/generated/inventory.endpoints.ts";
import { Inventory } from "./fixtures/inventory/impl.ts";
import type { InventoryService } from "./fixtures/inventory/service.ts";

const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(inventoryMethods.map((m) => [m, `kitgen-test-${run}.${inventoryAmqpNames[m]}`]));
const options: AmqpOptions = { names };
const impl = new Inventory();
let connection: ChannelModel;
let channel: ConfirmChannel;
let subscribers: { close(): Promise<void> };
let svc: InventoryService;

beforeAll(async () => {
  connection = await connect(process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672");
  channel = await connection.createConfirmChannel();
  await amqpTopology(channel, options);
  const subs = amqpSubscribers(channel, makeEndpoints(impl), { ...options, subscriber: { backoff: () => 5, maxAttempts: 2 } });
  await subs.ready;
  subscribers = subs;
  svc = inventoryClient(amqpTransport(channel, options));
});
afterAll(async () => {
  await subscribers.close();
  for (const queue of Object.values(names)) {
    const t = topologyOf(queue);
    for (const q of [t.queue, t.retryQueue, t.deadLetterQueue]) await channel.deleteQueue(q);
    await channel.deleteExchange(t.deadLetterExchange);
  }
  await connection.close();
});

function ctx() {
  return withTimeout(background(), 10_000)[0];
}

describe("generated AMQP transport", () => {
  it("calls every method through a client that implements the interface", async () => {
    expect(await svc.getItem(ctx(), "ABC-001")).toMatchObject({ sku: "ABC-001" });
    expect(await svc.placeOrder(ctx(), [{ sku: "ABC-001", quantity: 2 }], "gift")).toEqual({ id: "order-1", total: 2 });
    await svc.recordSale(ctx(), "ABC-001", 7);
    await expect.poll(() => impl.sales, { timeout: 10_000 }).toContainEqual({ sku: "ABC-001", at: 7 });
    await expect(svc.restock(ctx(), "NOP-000", 1)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound);
  });

  it("dead-letters an event that fails validation, naming the field", async () => {
    channel.sendToQueue(names.recordSale!, Buffer.from(JSON.stringify({ sku: "ABC-001", at: "soon" })), { contentType: "application/json" });
    const dead = topologyOf(names.recordSale!).deadLetterQueue;
    await expect
      .poll(async () => {
        const message = await channel.get(dead, { noAck: true });
        return message === false ? undefined : (message.properties.headers?.["kit-error-message"] as unknown);
      }, { timeout: 10_000 })
      .toBe("at: expected a number");
  });
});
