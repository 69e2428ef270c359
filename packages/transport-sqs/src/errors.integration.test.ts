// What a caller sees when SQS fails, with real failures: an endpoint nothing listens on (a closed
// port), and queues that do not exist on the SQS-compatible server (ElasticMQ, test/sqs.ts).
import { DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, Code, isKitError, type KitError } from "@kit/endpoint";
import { until } from "@kit/test-support";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publisher } from "./publisher.ts";
import { replyQueue } from "./reply-queue.ts";
import { subscriber } from "./subscriber.ts";
import { endpoint, Queues, sqsClient } from "../test/sqs.ts";

/** A port in this package's test range that nothing listens on. */
const closedPort = 15_501;
const unreachable = `http://127.0.0.1:${String(closedPort)}`;

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (err) {
    if (isKitError(err)) return err;
    throw err;
  }
  throw new Error("expected a failure");
}

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

describe("an SQS that cannot be reached", () => {
  // The SDK's own retries (3 attempts) stay on: what a user has by default.
  const down = (): SQSClient => new SQSClient({ endpoint: unreachable, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });

  it("fails a publish with unavailable (retryable), not unknown, within seconds", async () => {
    const sqs = down();
    const send = publisher(sqs, `${unreachable}/000000000000/orders`, encodeJSONMessage, undefined);
    const started = Date.now();
    const err = await failure(send(background(), { id: 1 }));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.message).toMatch(new RegExp(`^SQS send to ${unreachable}/000000000000/orders: connect ECONNREFUSED`));
    expect(Date.now() - started).toBeLessThan(5_000);
    sqs.destroy();
  });

  it("rejects the subscriber's ready with unavailable, and tells the errorHandler", async () => {
    const sqs = down();
    const errors: KitError[] = [];
    const sub = subscriber(sqs, `${unreachable}/000000000000/orders`, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, {
      deadLetterQueueUrl: `${unreachable}/000000000000/orders-dlq`,
      backoff: () => 50,
      errorHandler: { handle: (_ctx, err) => void errors.push(err) },
    });
    try {
      const err = await failure(sub.ready);
      expect(err.code).toBe(Code.Unavailable);
      await until("the failure reported", () => errors.length > 0);
      expect(errors[0]?.code).toBe(Code.Unavailable);
    } finally {
      await sub.close();
      sqs.destroy();
    }
  });
});

describe("queues that do not exist", () => {
  const missing = `${endpoint}/000000000000/kit-no-such-queue`;

  it("fails a publish with not_found", async () => {
    const err = await failure(publisher(client, missing, encodeJSONMessage, undefined)(background(), { id: 1 }));
    expect(err.code).toBe(Code.NotFound);
    expect(err.message).toBe(`SQS send to ${missing}: The specified queue does not exist.`);
  });

  it("fails a request with not_found, not at its timeout", async () => {
    const replies = replyQueue(client, await queues.create("replies"));
    try {
      const call = publisher(client, missing, encodeJSONMessage, decodeJSONMessage(), { replies, timeout: 20_000 });
      const started = Date.now();
      expect((await failure(call(background(), { id: 1 }))).code).toBe(Code.NotFound);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await replies.close();
    }
  });

  it("rejects a subscriber's ready with not_found for a missing queue or dead-letter queue, and failed_precondition for none", async () => {
    const queueUrl = await queues.create("ready");
    const dlq = await queues.create("ready-dlq");
    const start = (url: string, deadLetterQueueUrl?: string) =>
      subscriber(client, url, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, {
        waitTimeSeconds: 1,
        ...(deadLetterQueueUrl === undefined ? {} : { deadLetterQueueUrl }),
      });
    const cases = [start(missing, dlq), start(queueUrl, missing), start(queueUrl), start(queueUrl, dlq)];
    try {
      const outcomes = await Promise.all(cases.map((sub) => sub.ready.then(() => "ready", (err: unknown) => (isKitError(err) ? err.code : String(err)))));
      expect(outcomes).toEqual([Code.NotFound, Code.NotFound, Code.FailedPrecondition, "ready"]);
    } finally {
      await Promise.all(cases.map((sub) => sub.close()));
    }
  });

  it("rejects ready with not_found when the redrive policy names a dead-letter queue that is gone", async () => {
    const dlq = await queues.create("redrive-gone-dlq");
    const name = dlq.split("/").at(-1) ?? "";
    const queueUrl = await queues.create("redrive-gone", {
      attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, maxReceiveCount: 5 }) },
    });
    await client.send(new DeleteQueueCommand({ QueueUrl: dlq })); // the server refuses a policy naming a missing queue: delete it after
    const sub = subscriber(client, queueUrl, () => Promise.resolve(undefined), decodeJSONMessage(), encodeJSONMessage, { waitTimeSeconds: 1 });
    try {
      const err = await failure(sub.ready);
      expect(err.code).toBe(Code.NotFound);
      expect(err.message).toContain(name);
    } finally {
      await sub.close();
    }
  });
});
