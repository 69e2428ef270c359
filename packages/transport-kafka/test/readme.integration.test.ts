// The README's example, against the broker at KAFKA_BROKERS (default 127.0.0.1:9092), with the
// topic and group made unique so reruns never collide.
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { afterAll, expect, it, vi } from "vitest";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import { connectAdmin, newKafka, Topics, unique, waitFor } from "./broker.ts";

const kafka = newKafka("kit-readme");
const admin = await connectAdmin(kafka);
const topics = new Topics(admin);

afterAll(async () => {
  await topics.drop();
  await admin.disconnect();
});

it("runs the README example", async () => {
  const orders = await topics.create("orders");
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined);

  const ship: Endpoint<{ order: string }, void> = (_ctx, { order }) => {
    console.log("shipping", order);
    return Promise.resolve();
  };
  const sub = await subscriber(kafka, orders, ship, decodeJSONMessage<{ order: string }>(), encodeJSONMessage, { groupId: unique("shipping") });
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const placeOrder = publisher(producer, orders, encodeJSONMessage, { key: (o: { order: string }) => o.order });
  const [ctx, cancel] = withTimeout(background(), 5_000);
  await placeOrder(ctx, { order: "o-1" });
  cancel();
  await waitFor(() => log.mock.calls.length > 0, 30_000, () => "nothing shipped");
  await sub.close();
  await producer.disconnect();

  expect(log.mock.calls).toEqual([["shipping", "o-1"]]);
}, 60_000);
