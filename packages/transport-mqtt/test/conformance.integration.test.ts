// The conformance suite of @kit/transport/testing against the real Mosquitto (MQTT_URL, default
// mqtt://127.0.0.1:1883), each case on a topic, a persistent session and a dead-letter topic of
// its own; the broker-restart case on a Mosquitto of the test's own (test/own-mosquitto.ts, port
// 20510), and the dead-letter-unwritable case with a dead-letter topic the broker refuses.
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { connectAsync, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, test } from "vitest";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnMosquitto } from "./own-mosquitto.ts";
import { connectMqtt, mqttUrl, sessionClient, unique } from "./support.ts";

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();

/** What a case's topic comes with: the subscriber's session and its dead-letter topic. */
interface Site {
  /** The client id of the subscriber's persistent session (one subscriber at a time uses it). */
  readonly clientId: string;
  readonly deadLetterTopic: string;
  /** What reached the dead-letter topic so far. */
  readonly letters: ConformanceDeadLetter[];
}

/** One broker's side of a harness: its clients, and the sites of the topics made on it. */
class Broker {
  readonly url: string;
  /** Publishes, requests and reads dead letters. */
  readonly client: MqttClient;
  readonly #sites = new Map<string, Site>();

  private constructor(url: string, client: MqttClient) {
    this.url = url;
    this.client = client;
    client.on("message", (topic, payload, packet) => {
      const site = this.#sites.get(topic.replace(/\/dead$/, ""));
      if (topic !== site?.deadLetterTopic) return;
      const headers = new Map<string, string>();
      for (const [name, value] of Object.entries(packet.properties?.userProperties ?? {})) headers.set(name, String(value));
      site.letters.push({ body: new Uint8Array(payload), headers });
    });
  }

  static async open(url: string): Promise<Broker> {
    return new Broker(url, await connectMqtt(url));
  }

  /**
   * A fresh topic: its dead-letter topic subscribed, and its subscriber's session made with the
   * subscription, so that what is published before a subscriber runs waits in the session.
   */
  async address(label: string): Promise<string> {
    const topic = unique(`kit/conformance/${label}`);
    const site: Site = { clientId: unique("kit-conf"), deadLetterTopic: `${topic}/dead`, letters: [] };
    this.#sites.set(topic, site);
    await this.client.subscribeAsync(site.deadLetterTopic, { qos: 1 });
    const session = sessionClient(site.clientId, 16, this.url);
    await new Promise<void>((resolve, reject) => {
      session.once("connect", () => {
        resolve();
      });
      session.once("error", reject);
    });
    await session.subscribeAsync(topic, { qos: 1 });
    await session.endAsync();
    return topic;
  }

  site(topic: string): Site {
    const site = this.#sites.get(topic);
    if (site === undefined) throw new Error(`no site for ${topic}`);
    return site;
  }

  /**
   * The topic's subscriber on its session's own client (receive maximum = concurrency), whose
   * `close()` ends the client after the subscriber, as the README shows.
   */
  serve(topic: string, concurrency: number, serve: (client: MqttClient, site: Site) => Subscriber): Subscriber {
    return this.serveOn(sessionClient(this.site(topic).clientId, concurrency, this.url), (client) => serve(client, this.site(topic)));
  }

  serveOn(client: MqttClient, serve: (client: MqttClient) => Subscriber): Subscriber {
    const sub = serve(client);
    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        await sub.close();
        await client.endAsync();
      })());
    return { ready: sub.ready, close, [Symbol.asyncDispose]: close };
  }

  publishRaw(topic: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<void> {
    // (mqtt.js writes a broken packet for an empty user property list: leave it out)
    const properties = Object.keys(headers).length === 0 ? {} : { userProperties: { ...headers } };
    return this.client.publishAsync(topic, Buffer.from(body), { qos: 1, properties }).then(() => undefined);
  }

  /** Ends the clients and drops the sessions the cases made (a clean connection under each id). */
  async close(): Promise<void> {
    for (const site of this.#sites.values()) {
      const clean = await connectAsync(this.url, { protocolVersion: 5, clientId: site.clientId, clean: true }).catch(() => undefined);
      if (clean === undefined) break;
      await clean.endAsync();
    }
    await this.client.endAsync();
  }
}

/** The members every MQTT harness has: serve, request and publish on the broker (opened before the cases run). */
function basics(name: string, broker: () => Broker): ConformanceHarness {
  return {
    name,
    address: (label) => broker().address(label),
    serve: (topic, endpoint, options) =>
      broker().serve(topic, options.concurrency ?? 16, (client, site) => subscriber(client, topic, endpoint, decode, encodeJSONMessage, { deadLetterTopic: site.deadLetterTopic, ...options })),
    requester: (topic, options) => publisher<Probe, ProbeReply>(broker().client, topic, encodeJSONMessage, decodeReply, options),
    publisher: (topic, options) => publisher<Probe>(broker().client, topic, encodeJSONMessage, undefined, options),
  };
}

let shared: Broker;
beforeAll(async () => {
  shared = await Broker.open(mqttUrl);
});
afterAll(async () => {
  await shared.close();
});

/** The harness on the machine's Mosquitto: every case but broker-restart. */
function sharedHarness(): ConformanceHarness {
  return {
    ...basics("mqtt", () => shared),
    publishRaw: (topic, body, headers) => shared.publishRaw(topic, body, headers),
    deadLetters: (topic) => Promise.resolve([...shared.site(topic).letters]),
    killableConsumer: (topic) => {
      const { clientId, deadLetterTopic } = shared.site(topic);
      return spawnConsumer(new URL("conformance-child.ts", import.meta.url), [mqttUrl, topic, clientId, deadLetterTopic]);
    },
    // An MQTT topic needs nothing to exist: what a subscriber cannot start without is its broker.
    serveBroken: () =>
      shared.serveOn(sessionClient(unique("kit-conf"), 16, "mqtt://127.0.0.1:20549"), (client) =>
        subscriber(client, "kit/conformance/broken", () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, {
          deadLetterTopic: "kit/conformance/broken/dead",
          errorHandler: { handle: () => undefined },
        })),
    listeners: () => shared.client.eventNames().reduce((sum, event) => sum + shared.client.listenerCount(event), 0),
  };
}

describe("Mosquitto (the machine's broker)", () => {
  const harness = sharedHarness();
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case !== "broker-restart" && r.case !== "dead-letter-unwritable")) test(c.name, c.run, c.timeout);
});

describe("Mosquitto, with a dead-letter topic it refuses", () => {
  // Mosquitto refuses every client's publish to $SYS/… (PUBACK 0x87, not authorized), as an ACL
  // that forbids the dead-letter topic would.
  const harness: ConformanceHarness = {
    ...sharedHarness(),
    name: "mqtt (dead letter refused)",
    serve: (topic, endpoint, options) =>
      shared.serve(topic, options.concurrency ?? 16, (client) => subscriber(client, topic, endpoint, decode, encodeJSONMessage, { deadLetterTopic: `$SYS/kit/${topic}`, ...options })),
    poisonWithoutDeadLetter: (topic) => shared.publishRaw(topic, garbageOfSize(64), {}),
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case === "dead-letter-unwritable")) test(c.name, c.run, c.timeout);
});

describe("Mosquitto, restarted (a broker of the test's own)", () => {
  let own: OwnBroker;
  let broker: Broker;
  beforeAll(async () => {
    own = await startOwnMosquitto(20_510);
    broker = await Broker.open(own.url);
  }, 30_000);
  afterAll(async () => {
    await broker.client.endAsync(true);
    await own.destroy();
  });
  const harness: ConformanceHarness = {
    ...basics("mqtt (own broker)", () => broker),
    restartBroker: async () => {
      await own.stop();
      await own.start();
    },
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
});
