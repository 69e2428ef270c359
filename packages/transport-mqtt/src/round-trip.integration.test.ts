// Publisher, requester and subscriber against the real Mosquitto (127.0.0.1:1883, or MQTT_URL).
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { background, Code, KitError, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type EncodeMessage } from "@kit/transport";
import type { MqttClient } from "mqtt";
import { publisher } from "./publisher.ts";
import { subscriber } from "./subscriber.ts";
import { connectMqtt, sessionClient, unique } from "../test/support.ts";

const clients: MqttClient[] = [];
async function client(): Promise<MqttClient> {
  const c = await connectMqtt();
  clients.push(c);
  return c;
}
function session(clientId: string): MqttClient {
  const c = sessionClient(clientId);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
});

describe("MQTT round trip", () => {
  it("publishes at QoS 1, the subscriber handles it once and the PUBACK settles it", async () => {
    const topic = unique("kit/orders");
    const sub = session(unique("kit-sub"));
    const got: unknown[] = [];
    const s = subscriber(sub, topic, (_ctx, order: { id: string }) => {
      got.push(order);
      return Promise.resolve();
    }, decodeJSONMessage(), encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    await send(background(), { id: "o-1" });
    await until("the message", () => got.length === 1, { timeout: 15_000 });
    await s.close();
    expect(got).toEqual([{ id: "o-1" }]);
  });

  it("puts a body's bytes on the wire as they are: JSON text with non-ASCII characters, and bytes that are not UTF-8", async () => {
    const topic = unique("kit/bytes");
    const reader = await client();
    const payloads: Buffer[] = [];
    const contentTypes: unknown[] = [];
    reader.on("message", (_topic, payload, packet) => {
      payloads.push(payload);
      contentTypes.push(packet.properties?.userProperties?.["content-type"]);
    });
    await reader.subscribeAsync(topic, { qos: 1 });
    const producer = await client();
    const value = { word: "héllo €", emoji: "😀" };
    await publisher(producer, topic, encodeJSONMessage, undefined)(background(), value);
    const bytes = Uint8Array.from([0xff, 0x00, 0xfe]);
    const encodeBytes: EncodeMessage<Uint8Array> = (_ctx, body, message) => {
      message.body = body;
    };
    await publisher(producer, topic, encodeBytes, undefined)(background(), bytes);
    await until("both messages", () => payloads.length === 2, { timeout: 15_000 });
    expect(payloads.map((payload) => [...payload])).toEqual([[...Buffer.from(JSON.stringify(value), "utf8")], [...bytes]]);
    expect(contentTypes).toEqual(["application/json", undefined]);
  });

  it("answers a request on its response topic with the correlation data; errors come back as KitErrors", async () => {
    const topic = unique("kit/sum");
    const sub = session(unique("kit-sub"));
    const add: Endpoint<{ a: number; b: number }, { v: number }> = (_ctx, { a, b }) => {
      if (a < 0) return Promise.reject(new KitError(Code.InvalidArgument, "a must not be negative"));
      return Promise.resolve({ v: a + b });
    };
    const s = subscriber(sub, topic, add, decodeJSONMessage(), encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const sum = publisher(await client(), topic, encodeJSONMessage, decodeJSONMessage<{ v: number }>());
    const [ctx, cancel] = withTimeout(background(), 5_000);
    expect(await Promise.all([sum(ctx, { a: 1, b: 2 }), sum(ctx, { a: 3, b: 4 })])).toEqual([{ v: 3 }, { v: 7 }]);
    await expect(sum(ctx, { a: -1, b: 2 })).rejects.toMatchObject({ code: Code.InvalidArgument, message: "a must not be negative" });
    cancel();
    await s.close();
  });

  it("a request nobody subscribes to fails at once with unavailable; one unanswered ends at the timeout", async () => {
    const requester = await client();
    const nobody = publisher(requester, unique("kit/nobody"), encodeJSONMessage, decodeJSONMessage());
    await expect(nobody(background(), {})).rejects.toMatchObject({ code: Code.Unavailable });
    const topic = unique("kit/silent");
    const silent = await client();
    await silent.subscribeAsync(topic, { qos: 1 }); // takes requests, never answers
    const slow = publisher(requester, topic, encodeJSONMessage, decodeJSONMessage(), { timeout: 300 });
    await expect(slow(background(), {})).rejects.toMatchObject({ code: Code.DeadlineExceeded });
  });

  it("sends the deadline as the kit-timeout user property, which the endpoint gets as its deadline", async () => {
    const topic = unique("kit/deadline");
    const left: number[] = [];
    const s = subscriber(session(unique("kit-sub")), topic, (ctx) => {
      left.push((ctx.deadline ?? 0) - Date.now());
      return Promise.resolve();
    }, decodeJSONMessage(), encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await s.ready;
    const send = publisher(await client(), topic, encodeJSONMessage, undefined);
    const [ctx, cancel] = withTimeout(background(), 5_000);
    await send(ctx, {});
    cancel();
    await until("the message", () => left.length === 1, { timeout: 15_000 });
    await s.close();
    expect(left[0]).toBeGreaterThan(0);
    expect(left[0]).toBeLessThanOrEqual(5_000);
  });

  it("a request whose caller gave up while its subscriber was away is dropped by the broker, never run", { timeout: 30_000 }, async () => {
    const topic = unique("kit/late");
    const subId = unique("kit-sub");
    const away = sessionClient(subId);
    await away.subscribeAsync(topic, { qos: 1 });
    await away.endAsync(); // the session keeps the subscription
    const call = publisher(await client(), topic, encodeJSONMessage, decodeJSONMessage());
    const [ctx, cancel] = withTimeout(background(), 300);
    await expect(call(ctx, {})).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 2_200)); // past its expiry interval (1 s, rounded up)
    let ran = 0;
    const s = subscriber(session(subId), topic, () => {
      ran++;
      return Promise.resolve();
    }, decodeJSONMessage(), encodeJSONMessage, { deadLetterTopic: `${topic}/dead` });
    await s.ready;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await s.close();
    expect(ran).toBe(0);
  });
});
