// A JetStream subscriber in its own process, for the conformance suite's killed-consumer case:
// it holds the messages it takes until the parent kills it with SIGKILL.
// Usage: node test/conformance-child.ts <stream> <durable>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { holdMessages, type Probe } from "@kit/transport/testing";
import { jetstream } from "@nats-io/jetstream";
import { jetstreamSubscriber } from "../src/jetstream-subscriber.ts";
import { connectNats } from "./support.ts";

const [stream, durable] = process.argv.slice(2);
if (stream === undefined || durable === undefined) throw new Error("usage: conformance-child.ts <stream> <durable>");
const nc = await connectNats();
const consumer = await jetstream(nc).consumers.get(stream, durable);
await holdMessages((endpoint, options) => jetstreamSubscriber(nc, consumer, endpoint, decodeJSONMessage<Probe>(), encodeJSONMessage, options));
