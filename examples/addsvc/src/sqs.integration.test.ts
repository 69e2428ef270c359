// addsvc over SQS against the SQS-compatible server on 127.0.0.1:9324 (ElasticMQ; SQS_ENDPOINT
// overrides), started by scripts/services.sh.
import { randomUUID } from "node:crypto";
import { DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as log from "@kit/log";
import { memory } from "@kit/metrics";
import { demoSqs } from "./demo-sqs.ts";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { newBasicService } from "./service.ts";
import { logErrorHandler, type ErrorHandler } from "@kit/transport";
import { sumEvents } from "./events.ts";
import { makeEndpoints as eventEndpoints } from "./generated/add-events/add-events.endpoints.ts";
import * as requests from "./generated/add-events/add-events.sqs.ts";
import { addResultsClient } from "./generated/add-results/add-results.endpoints.ts";
import * as results from "./generated/add-results/add-results.sqs.ts";

const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
let client: SQSClient;
let queues: { requests: string; results: string; deadLetter: string };

beforeEach(async () => {
  client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  const prefix = `addsvc-test-${randomUUID().slice(0, 8)}`;
  const [{ sumRequested }, { sumComputed }] = await Promise.all([requests.sqsCreateQueues(client, { prefix }), results.sqsCreateQueues(client, { prefix })]);
  queues = { requests: sumRequested, results: sumComputed, deadLetter: `${sumRequested}-dead-letter` };
});
afterEach(async () => {
  await Promise.all([...Object.values(queues), `${queues.results}-dead-letter`].map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
  client.destroy();
});

async function receiveOne(queueUrl: string, ms: number): Promise<{ body: unknown; attributes: Record<string, string | undefined> } | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    const m = out.Messages?.[0];
    if (m !== undefined) {
      const attributes = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]));
      return { body: JSON.parse(m.Body ?? "null") as unknown, attributes };
    }
  }
  return undefined;
}

/** addsvc's SQS wiring, as serveAddEvents (src/generated/add-events/add-events.serve.ts) does it, on the test's queues. */
function serveSqs(errorHandler: ErrorHandler = { handle: () => undefined }) {
  const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger: log.nop(), metrics: memory() });
  const handler = eventEndpoints(sumEvents(endpoints.sum, addResultsClient(results.sqsTransport(client, { sumComputed: queues.results }))));
  return requests.sqsSubscribers(client, { sumRequested: queues.requests }, handler, { subscriber: { concurrency: 16, errorHandler } });
}

describe("addsvc over SQS", () => {
  it("answers a sum-requested event sent by a plain SDK client with a sum-computed event", async () => {
    const server = serveSqs();
    try {
      await client.send(new SendMessageCommand({ QueueUrl: queues.requests, MessageBody: JSON.stringify({ id: "x", a: 20, b: 22 }) }));
      expect((await receiveOne(queues.results, 15_000))?.body).toEqual({ id: "x", v: 42 });
    } finally {
      await server.close();
    }
  });

  it("sends a malformed event to the dead-letter queue with the reason", async () => {
    const lines: string[] = [];
    const logger = { log: (...keyvals: unknown[]) => void lines.push(keyvals.join(" ")) };
    const server = serveSqs(logErrorHandler(logger));
    try {
      await client.send(new SendMessageCommand({ QueueUrl: queues.requests, MessageBody: JSON.stringify({ a: "two" }) }));
      const dead = await receiveOne(queues.deadLetter, 15_000);
      expect(dead?.body).toEqual({ a: "two" });
      expect(dead?.attributes["kit-error-code"]).toBe("invalid_argument");
      expect(dead?.attributes["kit-error-message"]).toMatch(/\bid\b/);
      expect(lines.some((line) => line.includes("invalid_argument"))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("runs the demo: two sums and a business error as events", async () => {
    const printed: string[] = [];
    await demoSqs(endpoint, (line) => printed.push(line));
    expect(printed.filter((line) => line.includes("← sum-computed"))).toEqual([
      '  ← sum-computed {"id":"1","v":5}',
      '  ← sum-computed {"id":"2","v":42}',
      '  ← sum-computed {"id":"3","error":{"code":"invalid_argument","message":"can\'t sum two zeroes"}}',
    ]);
  });
});
