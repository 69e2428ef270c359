// The conformance suite of @kit/transport/testing against the real NATS server (NATS_URL, default
// nats://127.0.0.1:4222): NATS core, JetStream and NATS services, each with its own names; the
// broker-restart case of JetStream, NATS core and NATS services on a NATS server of the test's own
// (test/own-nats.ts, port 19110).
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, nanos, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { Svcm } from "@nats-io/services";
import { afterAll, beforeAll, describe, test } from "vitest";
import { jetstreamPublisher } from "../src/jetstream-publisher.ts";
import { jetstreamSubscriber } from "../src/jetstream-subscriber.ts";
import { publisher } from "../src/publisher.ts";
import { serviceEndpoint } from "../src/service-endpoint.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnNats } from "./own-nats.ts";
import { connectNats, unique } from "./support.ts";

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();
let nc: NatsConnection;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  nc = await connectNats();
});

afterAll(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
  await nc.close();
});

/** Closes a subscriber and then its own connection, as the README shows. */
function owning(sub: Subscriber, own: NatsConnection, before: () => Promise<unknown> = () => Promise.resolve()): Subscriber {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await before();
      await sub.close();
      await own.close();
    })());
  return { ready: sub.ready, close, [Symbol.asyncDispose]: close };
}

/** Dead letters published to core subjects, kept by a subscription per address. */
const coreDeadLetters = new Map<string, ConformanceDeadLetter[]>();

function coreAddress(label: string): string {
  const subject = unique(`conf.${label}`);
  const letters: ConformanceDeadLetter[] = [];
  coreDeadLetters.set(subject, letters);
  const sub = nc.subscribe(`${subject}.dead`, {
    callback: (_err, msg) => {
      letters.push({ body: msg.data, headers: headerMap(msg.headers) });
    },
  });
  cleanup.push(() => {
    sub.unsubscribe();
    return Promise.resolve();
  });
  return subject;
}

/** NATS headers as a map with Kit's lower-case names. */
function headerMap(hdrs: MsgHdrs | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of hdrs?.keys() ?? []) map.set(name.toLowerCase(), hdrs?.get(name) ?? "");
  return map;
}

function rawPublish(subject: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<void> {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headers)) h.set(name, value);
  nc.publish(subject, body, { headers: h });
  return nc.flush();
}

/** A body as large as the server takes, so that the dead letter's headers push its copy over. */
function oversizedGarbage(): Uint8Array {
  return garbageOfSize((nc.info?.max_payload ?? 1_048_576) - 64);
}

const core: ConformanceHarness = {
  name: "nats-core",
  address: coreAddress,
  serve: async (subject, endpoint, options) => {
    const own = await connectNats();
    const sub = subscriber(own, subject, endpoint, decode, encodeJSONMessage, { queue: "q", deadLetter: `${subject}.dead`, ...options });
    await own.flush(); // the subscription reaches the server: \`ready\` does not wait for it (yet)
    return owning(sub, own);
  },
  requester: (subject, options) => publisher<Probe, ProbeReply>(nc, subject, encodeJSONMessage, decodeReply, options),
  publisher: (subject, options) => publisher<Probe>(nc, subject, encodeJSONMessage, undefined, options),
  publishRaw: rawPublish,
  deadLetters: (subject) => Promise.resolve([...(coreDeadLetters.get(subject) ?? [])]),
  poisonWithoutDeadLetter: (subject) => rawPublish(subject, oversizedGarbage(), {}),
  lacks: {
    "broker-restart": "run on a NATS server of the test's own, which it may restart (\"restarted\" below)",
    deadline: "NATS core has no queue: a message is delivered at once or never",
    "consumer-killed": "NATS core delivers at most once: what a killed consumer held is gone",
    "startup-failure": "a subject needs nothing to exist",
  },
};

describe("NATS core", () => {
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(core)) test(c.name, c.run, c.timeout);
});

/** The stream, its dead-letter stream and durable consumer behind a JetStream address (its subject). */
const streams = new Map<string, string>();

async function jetstreamAddress(label: string): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const stream = unique("CONF").toUpperCase();
  const subject = `${stream.toLowerCase()}.${label}`;
  await jsm.streams.add({ name: stream, subjects: [subject] });
  await jsm.streams.add({ name: `${stream}_DEAD`, subjects: [`${subject}.dead`], max_msg_size: 8_192 });
  await jsm.consumers.add(stream, { durable_name: "workers", ack_policy: AckPolicy.Explicit, ack_wait: nanos(2_000) });
  cleanup.push(() => jsm.streams.delete(stream), () => jsm.streams.delete(`${stream}_DEAD`));
  streams.set(subject, stream);
  return subject;
}

function streamOf(subject: string): string {
  const stream = streams.get(subject);
  if (stream === undefined) throw new Error(`no stream for ${subject}`);
  return stream;
}

async function streamDeadLetters(subject: string): Promise<ConformanceDeadLetter[]> {
  const jsm = await jetstreamManager(nc);
  const name = `${streamOf(subject)}_DEAD`;
  const info = await jsm.streams.info(name);
  const letters: ConformanceDeadLetter[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(name, { seq });
    if (msg !== null) letters.push({ body: msg.data, headers: headerMap(msg.header) });
  }
  return letters;
}

async function jsRaw(subject: string, body: Uint8Array, headers: Readonly<Record<string, string>>): Promise<void> {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headers)) h.set(name, value);
  await jetstream(nc).publish(subject, body, { headers: h });
}

const js: ConformanceHarness = {
  name: "nats-jetstream",
  address: jetstreamAddress,
  serve: async (subject, endpoint, options) => {
    const own = await connectNats();
    const consumer = await jetstream(own).consumers.get(streamOf(subject), "workers");
    return owning(jetstreamSubscriber(own, consumer, endpoint, decode, encodeJSONMessage, { deadLetter: `${subject}.dead`, ...options }), own);
  },
  requester: (subject, options) => jetstreamPublisher<Probe, ProbeReply>(nc, subject, encodeJSONMessage, decodeReply, options),
  publisher: (subject, options) => jetstreamPublisher<Probe>(nc, subject, encodeJSONMessage, undefined, options),
  publishRaw: jsRaw,
  deadLetters: streamDeadLetters,
  poisonWithoutDeadLetter: (subject) => {
    return jsRaw(subject, garbageOfSize(8_000), {});
  },
  killableConsumer: (subject) => spawnConsumer(new URL("conformance-child.ts", import.meta.url), [streamOf(subject), "workers"]),
  serveBroken: async (subject) => {
    const own = await connectNats();
    const consumer = await jetstream(own).consumers.get(streamOf(subject), "workers");
    await (await jetstreamManager(nc)).consumers.delete(streamOf(subject), "workers");
    return owning(jetstreamSubscriber(own, consumer, () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, { errorHandler: { handle: () => undefined } }), own);
  },
  redeliveryTime: 3_000,
};

describe("JetStream", () => {
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(js).filter((r) => r.case !== "broker-restart")) test(c.name, c.run, c.timeout);
});

describe("restarted: JetStream, NATS core and NATS services on a server of the test's own", () => {
  let own: OwnBroker;
  let ownNc: NatsConnection;
  const connectOwn = (): Promise<NatsConnection> => connect({ servers: own.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  beforeAll(async () => {
    own = await startOwnNats({ port: 19_110 });
    ownNc = await connectOwn();
  }, 60_000);
  afterAll(async () => {
    await ownNc.close();
    await own.destroy("SIGKILL");
  });
  const restartable: ConformanceHarness = {
    name: "nats-jetstream (own server)",
    address: async (label) => {
      const jsm = await jetstreamManager(ownNc);
      const stream = unique("CONF").toUpperCase();
      const subject = `${stream.toLowerCase()}.${label}`;
      await jsm.streams.add({ name: stream, subjects: [subject] });
      await jsm.consumers.add(stream, { durable_name: "workers", ack_policy: AckPolicy.Explicit, ack_wait: nanos(2_000) });
      streams.set(subject, stream);
      return subject;
    },
    serve: async (subject, endpoint, options) => {
      const sub = await connectOwn();
      const consumer = await jetstream(sub).consumers.get(streamOf(subject), "workers");
      return owning(jetstreamSubscriber(sub, consumer, endpoint, decode, encodeJSONMessage, options), sub);
    },
    requester: (subject, options) => jetstreamPublisher<Probe, ProbeReply>(ownNc, subject, encodeJSONMessage, decodeReply, options),
    publisher: (subject, options) => jetstreamPublisher<Probe>(ownNc, subject, encodeJSONMessage, undefined, options),
    restartBroker: async () => {
      await own.restart();
    },
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(restartable).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);

  // NATS core and NATS services keep nothing, so their restart case sends requests: one counts as
  // sent once it is answered (a request made while the server is away fails), and what counts is
  // that the subscriber and the service endpoint answer again by themselves once it is back.
  const restartOwn = async (): Promise<void> => {
    await own.restart();
  };
  const coreRestarted: ConformanceHarness = {
    name: "nats-core (own server)",
    address: (label) => Promise.resolve(unique(`conf.${label}`)),
    serve: async (subject, endpoint, options) => {
      const sub = await connectOwn();
      const served = subscriber(sub, subject, endpoint, decode, encodeJSONMessage, { queue: "q", ...options });
      await sub.flush();
      return owning(served, sub);
    },
    requester: (subject, options) => publisher<Probe, ProbeReply>(ownNc, subject, encodeJSONMessage, decodeReply, options),
    restartBroker: restartOwn,
  };
  const servicesRestarted: ConformanceHarness = {
    name: "nats-services (own server)",
    address: (label) => Promise.resolve(unique(`conf.${label}`)),
    serve: async (subject, endpoint, options) => {
      const sub = await connectOwn();
      const service = await new Svcm(sub).add({ name: "conformance", version: "1.0.0" });
      const served = serviceEndpoint(sub, { service, name: "probe", subject }, endpoint, decode, encodeJSONMessage, options);
      await sub.flush();
      return owning(served, sub, () => service.stop());
    },
    requester: (subject, options) => publisher<Probe, ProbeReply>(ownNc, subject, encodeJSONMessage, decodeReply, options),
    restartBroker: restartOwn,
  };
  for (const harness of [coreRestarted, servicesRestarted]) {
    // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
    for (const c of conformanceCases(harness).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
  }
});

const services: ConformanceHarness = {
  name: "nats-services",
  address: coreAddress,
  serve: async (subject, endpoint, options) => {
    const own = await connectNats();
    const service = await new Svcm(own).add({ name: "conformance", version: "1.0.0" });
    const sub = serviceEndpoint(own, { service, name: "probe", subject }, endpoint, decode, encodeJSONMessage, { deadLetter: `${subject}.dead`, ...options });
    await own.flush(); // the endpoint's subscription reaches the server: \`ready\` does not wait for it (yet)
    return owning(sub, own, () => service.stop());
  },
  requester: (subject, options) => publisher<Probe, ProbeReply>(nc, subject, encodeJSONMessage, decodeReply, options),
  publishRaw: rawPublish,
  deadLetters: (subject) => Promise.resolve([...(coreDeadLetters.get(subject) ?? [])]),
  poisonWithoutDeadLetter: (subject) => rawPublish(subject, oversizedGarbage(), {}),
  lacks: {
    "broker-restart": "run on a NATS server of the test's own, which it may restart (\"restarted\" above)",
    deadline: "NATS core has no queue: a request is delivered at once or never",
    "consumer-killed": "NATS core delivers at most once: what a killed service held is gone",
    "startup-failure": "a subject needs nothing to exist",
  },
};

describe("NATS services", () => {
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(services)) test(c.name, c.run, c.timeout);
});
