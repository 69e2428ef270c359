// An MQTT subscriber in its own process, for the conformance suite's killed-consumer case: it
// holds the messages it takes, on the topic's persistent session, until the parent kills it
// with SIGKILL.
// Usage: node test/conformance-child.ts <broker URL> <topic> <client id> <dead-letter topic>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { subscriber } from "../src/subscriber.ts";
import { sessionClient } from "./support.ts";

const [url, topic, clientId, deadLetterTopic] = process.argv.slice(2);
if (url === undefined || topic === undefined || clientId === undefined || deadLetterTopic === undefined) {
  throw new Error("usage: conformance-child.ts <broker URL> <topic> <client id> <dead-letter topic>");
}
await holdMessages((endpoint, options) =>
  subscriber(sessionClient(clientId, options.concurrency, url), topic, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, { ...options, deadLetterTopic }),
);
