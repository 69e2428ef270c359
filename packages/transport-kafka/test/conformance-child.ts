// A Kafka subscriber in its own process, for the conformance suite's killed-consumer case: it
// holds the records it takes until the parent kills it with SIGKILL.
// Usage: node test/conformance-child.ts <topic> <groupId>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { subscriber } from "../src/subscriber.ts";
import { newKafka } from "./broker.ts";

const [topic, groupId] = process.argv.slice(2);
if (topic === undefined || groupId === undefined) throw new Error("usage: conformance-child.ts <topic> <groupId>");
await holdMessages((endpoint, options) =>
  subscriber(newKafka("kit-conformance-child"), topic, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, {
    ...options,
    groupId,
    fromBeginning: true,
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 },
  }),
);
