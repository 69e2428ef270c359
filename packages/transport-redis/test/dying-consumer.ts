// A consumer that takes entries and never finishes them, printing how many it holds, until it
// is killed: the "consumer dies mid-flight" fixture of faults.integration.test.ts.
// argv: Redis URL, stream, group.
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { createClient } from "redis";
import { subscriber } from "../src/subscriber.ts";

const [url = "redis://127.0.0.1:6379", stream = "", group = ""] = process.argv.slice(2);
const client = createClient({ url });
client.on("error", () => undefined);
await client.connect();
let inFlight = 0;
subscriber(
  client,
  stream,
  () => {
    inFlight++;
    process.stdout.write(`in flight ${String(inFlight)}\n`);
    return new Promise<undefined>(() => undefined); // never settles
  },
  decodeJSONMessage(),
  encodeJSONMessage,
  { group, consumer: "doomed", concurrency: 20, claimIdle: 1_000 },
);
