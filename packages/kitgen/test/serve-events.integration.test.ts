// The generated happeningsTransportOn against the real brokers (NATS 4222, Kafka 9092, ElasticMQ
// 9324): events published with it, on the very connection serveHappenings opened for its
// subscribers, reach those subscribers; Kafka's topics and SQS's queues are made first.
import { randomUUID } from "node:crypto";
import { DeleteQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, withTimeout } from "@kit/endpoint";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, it } from "vitest";
import { happeningsClient, type HappeningsEndpoints } from "./fixtures/events/generated/happenings.endpoints.ts";
import { happeningsTransportOn, serveHappenings, type HappeningsConnection } from "./fixtures/events/generated/happenings.serve.ts";

const prefix = `kitgen-events-${randomUUID().slice(0, 8)}`;
const urls = {
  nats: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
  kafka: process.env.KAFKA_BROKERS ?? "127.0.0.1:9092",
  sqs: process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324",
};
// The SQS client serveHappenings makes takes its region and credentials from the environment, as the AWS SDK does.
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "kit";
process.env.AWS_SECRET_ACCESS_KEY ??= "kit";

afterAll(async () => {
  const admin = new Kafka({ clientId: prefix, brokers: [urls.kafka], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((topic) => topic.startsWith(prefix)) });
  await admin.disconnect();
  const sqs = new SQSClient({ endpoint: urls.sqs });
  const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
  await Promise.all((listed.QueueUrls ?? []).map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))));
  sqs.destroy();
}, 30_000);

describe("generated happeningsTransportOn", () => {
  it("publishes on the connection serveHappenings opened, over NATS, Kafka and SQS", { timeout: 60_000 }, async () => {
    const seen: string[] = [];
    const publishers = new Map<string, HappeningsEndpoints>();
    const endpoints = async (connection: HappeningsConnection, defer: (close: () => Promise<unknown>) => void): Promise<HappeningsEndpoints> => {
      publishers.set(connection.transport, await happeningsTransportOn(connection, defer, { prefix }));
      return { seen: (_ctx, { id }) => Promise.resolve(void seen.push(`${connection.transport} ${id}`)) };
    };
    const served = await serveHappenings(endpoints, { prefix, ...urls, kafkaOptions: { subscriber: { fromBeginning: true } } });
    const [ctx, cancel] = withTimeout(background(), 30_000);
    try {
      expect([...publishers.keys()]).toEqual(["nats", "kafka", "sqs"]);
      for (const [transport, publisher] of publishers) await happeningsClient(publisher).seen(ctx, `${transport}-1`, Date.now());
      await expect.poll(() => [...seen].sort(), { timeout: 30_000 }).toEqual(["kafka kafka-1", "nats nats-1", "sqs sqs-1"]);
    } finally {
      cancel();
      await served.close(); // the Kafka publisher's producer too: what happeningsTransportOn deferred
    }
  });
});
