// The conformance suite of @kit/transport/testing, on the in-memory broker.
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { conformanceCases, garbageOfSize, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { test } from "vitest";
import { MemoryBroker } from "../src/broker.ts";
import { publisher } from "../src/publisher.ts";
import { subscriber } from "../src/subscriber.ts";

const maxMessageBytes = 64 * 1024;
const broker = new MemoryBroker();
let next = 0;

const harness: ConformanceHarness = {
  name: "memory",
  address: (label) => `conformance.${label}.${String((next += 1))}`,
  serve: (address, endpoint, options) => subscriber(broker, address, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, options),
  requester: (address, options) => publisher<Probe, ProbeReply>(broker, address, encodeJSONMessage, decodeJSONMessage<ProbeReply>(), options),
  publisher: (address, options) => publisher<Probe>(broker, address, encodeJSONMessage, undefined, options),
  publishRaw: (address, body, headers) => {
    broker.publish(address, body, headers);
    return Promise.resolve();
  },
  deadLetters: (address) => Promise.resolve(broker.deadLetters(address)),
  // Fits the broker's limit by itself, but not with the headers a dead letter adds.
  poisonWithoutDeadLetter: (address) => {
    broker.publish(address, garbageOfSize(maxMessageBytes - 8));
    return Promise.resolve();
  },
  // The broker lives in this process, so the consumer cannot die apart from it: it is closed
  // with no time to finish, which hands back what it held, as a broker does for a dead one.
  killableConsumer: async (address) => {
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { holding = resolve; });
    const sub = subscriber(broker, address, () => {
      holding();
      return new Promise<never>(() => undefined);
    }, decodeJSONMessage<Probe>(), encodeJSONMessage, { closeTimeout: 1, errorHandler: { handle: () => undefined } });
    await held;
    return { kill: () => sub.close() };
  },
  redeliveryTime: 300,
  lacks: {
    "broker-restart": "the broker is in the process: nothing survives a restart",
    "startup-failure": "queues exist once named: nothing a subscriber needs can be missing",
  },
};

// eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
for (const c of conformanceCases(harness)) test(c.name, c.run, c.timeout);
