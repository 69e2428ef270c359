// A Kit subscriber in its own process, for the test that kills a consumer mid-flight: it joins
// the group, prints `started <id>` for each record and never finishes one, until it is killed.
// Usage: node test/child-subscriber.ts <topic> <groupId>
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { subscriber } from "../src/subscriber.ts";
import { newKafka } from "./broker.ts";

const [topic, groupId] = process.argv.slice(2);
if (topic === undefined || groupId === undefined) throw new Error("usage: child-subscriber.ts <topic> <groupId>");
await subscriber(
  newKafka("kit-child"),
  topic,
  async (_ctx, job: { id: number }) => {
    process.stdout.write(`started ${job.id}\n`);
    await new Promise(() => undefined); // never finishes: the record stays uncommitted
  },
  decodeJSONMessage<{ id: number }>(),
  encodeJSONMessage,
  { groupId, fromBeginning: true, consumer: { sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 } },
);
process.stdout.write("joined\n");
