// The gowire fixture over the real RabbitMQ (127.0.0.1:5672): {"v": …} replies, and a client
// on a plain (not confirm) channel, which a service without events may use for its requests.
import { randomUUID } from "node:crypto";
import { background, withTimeout } from "@kit/endpoint";
import { decodeJSONMessage } from "@kit/transport";
import { publisher, topologyOf } from "@kit/transport-amqp";
import { connect, type ChannelModel } from "amqplib";
import { afterAll, describe, expect, it } from "vitest";
import { amqpSubscribers, amqpTopology, amqpTransport, adderAmqpNames } from "./fixtures/gowire/generated/adder.amqp.ts";
import { adderClient, adderMethods, makeEndpoints } from "./fixtures/gowire/generated/adder.endpoints.ts";
import { Adder } from "./fixtures/gowire/service.ts";

const run = randomUUID().slice(0, 8);
const names = Object.fromEntries(adderMethods.map((m) => [m, `kitgen-test-${run}.${adderAmqpNames[m]}`]));
let connection: ChannelModel | undefined;

afterAll(async () => {
  await connection?.close();
});

describe("Go kit's wire over AMQP", () => {
  it("answers {\"v\": …} to a capitalised request, and serves a client on a plain channel", async () => {
    connection = await connect(process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672");
    const confirm = await connection.createConfirmChannel();
    await amqpTopology(confirm, { names });
    const subscribers = amqpSubscribers(confirm, makeEndpoints(new Adder()), { names });
    await subscribers.ready;
    const plain = await connection.createChannel();
    const [ctx, cancel] = withTimeout(background(), 5_000);
    try {
      const svc = adderClient(amqpTransport(plain, { names }));
      expect([await svc.sum(ctx, 2, 3), await svc.negate(ctx, true), await svc.clock(ctx, "UTC")]).toEqual([5, null, { hour: 9, zone: "UTC" }]);
      const raw = publisher<string, unknown>(plain, names.sum ?? "", (_ctx, body, message) => {
        message.body = Buffer.from(body);
      }, decodeJSONMessage());
      expect(await raw(ctx, '{"A":40,"B":2}')).toEqual({ v: 42 });
    } finally {
      cancel();
      await subscribers.close();
      for (const queue of Object.values(names)) {
        const t = topologyOf(queue);
        for (const q of [t.queue, t.retryQueue, t.deadLetterQueue]) await confirm.deleteQueue(q);
        await confirm.deleteExchange(t.deadLetterExchange);
      }
    }
  });
});
