// Against a Mosquitto of the test's own (ports 20501-20504 and 20511, from the system's
// `mosquitto`): a restart of the broker under load (away for KIT_RESTART_DOWNTIME_MS, for an
// outage of minutes), a broker that refuses a subscription and a publish, and one that does not
// answer.
import { until } from "@kit/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { background, Code, isKitError, withCancel, withTimeout, type Endpoint, type KitError } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { describeAway, publishWhileAway, restartDowntime } from "@kit/transport/testing";
import type { MqttClient } from "mqtt";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnMosquitto } from "./own-mosquitto.ts";
import { connectMqtt, sessionClient, sleep, unique } from "./support.ts";

/** How long the broker stays away: KIT_RESTART_DOWNTIME_MS, else only while a few publishes fail. */
const downtime = restartDowntime();

const clients: MqttClient[] = [];
const brokers: OwnBroker[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  for (const b of brokers) b.thaw();
  await Promise.all(brokers.splice(0).map((b) => b.destroy()));
});

describe("MQTT across a restart of the broker", () => {
  it("handles every acknowledged message after the restart, once; publishes while it is down fail fast with unavailable", { timeout: 90_000 + downtime }, async () => {
    const broker = await startOwnMosquitto(20501);
    brokers.push(broker);
    const topic = unique("kit/restart");
    const seen = new Map<number, number>();
    let running = 0;
    let held = true;
    const handle: Endpoint<{ n: number }, undefined> = async (_ctx, { n }) => {
      running++;
      while (held) await sleep(10);
      seen.set(n, (seen.get(n) ?? 0) + 1);
      return undefined;
    };
    const reported: KitError[] = [];
    const sub = sessionClient(unique("kit-sub"), 16, broker.url);
    clients.push(sub);
    const s = subscriber(sub, topic, handle, decodeJSONMessage(), encodeJSONMessage, {
      deadLetterTopic: `${topic}/dead`,
      errorHandler: { handle: (_ctx, err) => void reported.push(err) },
    });
    await s.ready;
    const pub = await connectMqtt(broker.url);
    clients.push(pub);
    const send = publisher(pub, topic, encodeJSONMessage, undefined, { timeout: 5_000 });
    for (let n = 0; n < 100; n++) await send(background(), { n }); // 100 acknowledged by the broker
    await until("16 in flight", () => running === 16, { timeout: 15_000 });

    await broker.stop(); // 16 in flight, 84 waiting in the session
    const downAt = Date.now();
    await until("the publisher to see the broker gone", () => !pub.connected, { timeout: 15_000 });
    held = false; // the 16 finish while the broker is down: their PUBACKs are owed
    await until("the 16 to finish", () => seen.size === 16, { timeout: 15_000 });
    const whileAway = await publishWhileAway(downAt, downtime, () =>
      send(background(), { n: -1 }).then(
        () => undefined, // acknowledged: it cannot be, the broker is down
        (err: unknown) => {
          if (isKitError(err)) return err;
          throw err;
        },
      ),
    );
    expect(whileAway.filter((p) => p.code !== Code.Unavailable)).toEqual([]);
    expect(Math.max(...whileAway.map((p) => p.ms))).toBeLessThan(1_000);

    await broker.start();
    const upAt = Date.now();
    for (;;) {
      try {
        await send(background(), { n: 1_000 }); // the first message after the restart
        break;
      } catch (err) {
        if (!(isKitError(err) && err.code === Code.Unavailable)) throw err;
        await sleep(20);
      }
    }
    await until("the message sent after the restart", () => seen.has(1_000), { timeout: 30_000 });
    const resumedIn = Date.now() - upAt;
    await until("all 100 acknowledged before the restart", () => seen.size === 101, { timeout: 30_000 });
    await sleep(300);
    await s.close();
    const duplicated = [...seen.values()].reduce((sum, times) => sum + times - 1, 0);
    console.log(`MQTT restart: down ${String(upAt - downAt)} ms; ${describeAway(whileAway, downtime)}; handled again ${String(resumedIn)} ms after the broker was up; 100 acknowledged, ${String(100 - (seen.size - 1))} lost, ${String(duplicated)} duplicated; ${String(reported.length)} errors reported: ${[...new Set(reported.map((e) => `${e.code}: ${e.message}`))].join(" | ")}`);
    expect({ lost: 100 - (seen.size - 1), duplicated }).toEqual({ lost: 0, duplicated: 0 });
    // The outage and its end, reported once each: not each of mqtt.js's reconnection tries (5 a second).
    expect(reported.filter((err) => err.message.includes(" lost; "))).toHaveLength(1);
    expect(reported.filter((err) => err.message.includes("the outage is over"))).toHaveLength(1);
    expect(reported.find((err) => err.message.includes("the outage is over"))?.message).toContain("the broker resumed the session");
    expect(reported.length).toBeLessThanOrEqual(4);
    expect(reported.every((err) => err.code === Code.Unavailable)).toBe(true);
  });
});

describe("MQTT against a broker that refuses", () => {
  it("ready rejects with permission_denied when the broker refuses the connection", async () => {
    const broker = await startOwnMosquitto(20502, { config: ["allow_anonymous false"] });
    brokers.push(broker);
    const sub = sessionClient(unique("kit-sub"), 16, broker.url);
    clients.push(sub);
    const s = subscriber(sub, "kit/orders", () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, {
      deadLetterTopic: "kit/dead",
      errorHandler: { handle: () => undefined },
    });
    await expect(s.ready).rejects.toMatchObject({ code: Code.PermissionDenied });
  });

  it("ready rejects with failed_precondition when the broker grants QoS 0 only; a publish it refuses is permission_denied", async () => {
    const broker = await startOwnMosquitto(20503, { acl: "topic readwrite kit/allowed/#\n", config: ["max_qos 0"] });
    brokers.push(broker);
    const sub = sessionClient(unique("kit-sub"), 16, broker.url);
    clients.push(sub);
    const s = subscriber(sub, "kit/allowed/orders", () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, {
      deadLetterTopic: "kit/allowed/dead",
      errorHandler: { handle: () => undefined },
    });
    await expect(s.ready).rejects.toMatchObject({ code: Code.FailedPrecondition });
  });

  it("a publish the broker's ACL refuses fails with permission_denied", async () => {
    const broker = await startOwnMosquitto(20504, { acl: "topic readwrite kit/allowed/#\n" });
    brokers.push(broker);
    const pub = await connectMqtt(broker.url);
    clients.push(pub);
    const send = publisher(pub, "kit/denied/orders", encodeJSONMessage, undefined);
    await expect(send(background(), {})).rejects.toMatchObject({ code: Code.PermissionDenied });
    await expect(publisher(pub, "kit/allowed/orders", encodeJSONMessage, undefined)(background(), {})).resolves.toBeUndefined();
  });
});

describe("MQTT against a broker that does not answer", () => {
  it("a publish waits for its PUBACK up to the context's deadline, or timeout without one, and ends when the context is canceled", async () => {
    const broker = await startOwnMosquitto(20511);
    brokers.push(broker);
    const pub = await connectMqtt(broker.url);
    clients.push(pub);
    const send = publisher(pub, "kit/frozen", encodeJSONMessage, undefined, { timeout: 300 });
    await send(background(), { n: 0 }); // answered while the broker runs
    broker.freeze();
    let begun = Date.now();
    await expect(send(background(), { n: 1 })).rejects.toMatchObject({ code: Code.DeadlineExceeded, message: "MQTT topic kit/frozen: no PUBACK within 300 ms" });
    expect(Date.now() - begun).toBeGreaterThanOrEqual(290);
    // A context's deadline comes first: a publisher with a long timeout gives up at the deadline (200 ms),
    // long before its timeout (5 s), with room for a loaded machine's late timers.
    const patient = publisher(pub, "kit/frozen", encodeJSONMessage, undefined, { timeout: 5_000 });
    const [ctx, cancelDeadline] = withTimeout(background(), 200);
    begun = Date.now();
    await expect(patient(ctx, { n: 2 })).rejects.toMatchObject({ code: Code.DeadlineExceeded });
    expect(Date.now() - begun).toBeLessThan(2_500);
    cancelDeadline();
    const [canceled, cancel] = withCancel(background());
    const call = send(canceled, { n: 3 });
    cancel();
    await expect(call).rejects.toMatchObject({ code: Code.Canceled });
  });
});
