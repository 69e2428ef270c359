// An AMQP subscriber in its own process, for the conformance suite's killed-consumer case: it
// holds the messages it takes until the parent kills it with SIGKILL.
// Usage: node test/conformance-child.ts <queue>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { subscriber } from "../src/subscriber.ts";
import { open, watch } from "./support.ts";

const [queue] = process.argv.slice(2);
if (queue === undefined) throw new Error("usage: conformance-child.ts <queue>");
const connection = await open();
const channel = watch(await connection.createConfirmChannel());
await holdMessages((endpoint, options) => subscriber(channel, queue, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, options));
