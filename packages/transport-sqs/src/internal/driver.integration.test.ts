// The SQS driver itself against the SQS-compatible server (ElasticMQ, test/sqs.ts), for what the
// subscriber's tests cannot see from outside: the listeners it leaves on the runtime's signal.
import { getEventListeners } from "node:events";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Queues, sqsClient } from "../../test/sqs.ts";
import { SqsDriver, type SqsMessage } from "./driver.ts";

let client: SQSClient;
let queues: Queues;

beforeEach(() => {
  client = sqsClient();
  queues = new Queues(client);
});
afterEach(async () => {
  await queues.deleteAll();
  client.destroy();
});

describe("SqsDriver on a FIFO queue", () => {
  it("waits for a busy group without leaving an abort listener behind each time", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("fifo-listeners", { fifo: true });
    const count = 10;
    const entries = Array.from({ length: count }, (_, i) => ({ Id: String(i), MessageBody: `m${String(i)}`, MessageGroupId: "one" }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const driver = new SqsDriver({
      client,
      queueUrl,
      deadLetterQueueUrl: queueUrl,
      waitTimeSeconds: 1,
      visibilityTimeout: 30,
      pendingDeletes: 16,
      replyAllowed: () => true,
      observe: (err) => {
        throw err;
      },
    });
    const stop = new AbortController();
    const order: string[] = [];
    const text = (m: SqsMessage | undefined): string => new TextDecoder().decode(m?.body);
    try {
      // The first receive takes the whole group; it hands out the first message and holds the rest.
      let running = (await driver.receive(10, stop.signal))[0];
      while (order.length < count - 1) {
        // Each next receive finds only messages of the busy group, and waits for it to be free.
        const next = driver.receive(1, stop.signal);
        order.push(text(running));
        await driver.ack(running!);
        const got = await next;
        expect(got).toHaveLength(1);
        running = got[0];
      }
      order.push(text(running));
      await driver.ack(running!);
      expect(order).toEqual(Array.from({ length: count }, (_, i) => `m${String(i)}`));
      expect(getEventListeners(stop.signal, "abort").length).toBeLessThanOrEqual(1);
    } finally {
      stop.abort();
      await driver.close();
    }
  });
});
