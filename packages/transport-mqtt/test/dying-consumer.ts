// A consumer that takes messages and never finishes them, printing how many it holds, until it
// is killed: the "consumer dies mid-flight" fixture of subscriber.integration.test.ts.
// argv: broker URL, topic, client id, dead-letter topic.
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { connect } from "mqtt";
import { subscriber } from "../src/subscriber.ts";

const [url = "mqtt://127.0.0.1:1883", topic = "", clientId = "", deadLetterTopic = ""] = process.argv.slice(2);
const client = connect(url, { protocolVersion: 5, clientId, clean: false, properties: { sessionExpiryInterval: 300, receiveMaximum: 20 } });
let inFlight = 0;
setInterval(() => undefined, 1_000); // a handler that never settles holds no I/O: keep the process alive until killed
const sub = subscriber(
  client,
  topic,
  () => {
    inFlight++;
    process.stdout.write(`in flight ${String(inFlight)}\n`);
    return new Promise<undefined>(() => undefined); // never settles
  },
  decodeJSONMessage(),
  encodeJSONMessage,
  { concurrency: 20, deadLetterTopic },
);
await sub.ready;
process.stdout.write("ready\n");
