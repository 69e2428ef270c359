// createQueue and queueUrl against the SQS-compatible server on 127.0.0.1 (ElasticMQ; see test/sqs.ts).
import { randomUUID } from "node:crypto";
import { DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Code, isKitError } from "@kit/endpoint";
import { afterAll, describe, expect, it } from "vitest";
import { createQueue, queueUrl } from "./queue-setup.ts";
import { sqsClient } from "../test/sqs.ts";

const client = sqsClient();
const name = `kit-setup-${randomUUID().slice(0, 8)}`;
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
  client.destroy();
});

describe("createQueue", () => {
  it("creates the dead-letter queue first and names it as the queue's redrive target; again, the same URL", async () => {
    const url = await createQueue(client, name, { deadLetter: `${name}-dead`, maxReceiveCount: 3 });
    made.push(url, await queueUrl(client, `${name}-dead`));
    expect(url).toMatch(new RegExp(`/${name}$`));
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["RedrivePolicy"] }));
    expect(JSON.parse(Attributes?.RedrivePolicy ?? "{}")).toEqual({ deadLetterTargetArn: expect.stringMatching(new RegExp(`:${name}-dead$`)) as unknown, maxReceiveCount: 3 });
    expect(await createQueue(client, name, { deadLetter: `${name}-dead`, maxReceiveCount: 3 })).toBe(url);
  });

  it("creates a queue without a dead letter when none is given", async () => {
    const url = await createQueue(client, `${name}-plain`);
    made.push(url);
    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["RedrivePolicy"] }));
    expect(Attributes?.RedrivePolicy).toBeUndefined();
  });

  it("rejects with unavailable, naming the queue, when SQS cannot be reached", async () => {
    const nowhere = new SQSClient({ endpoint: "http://127.0.0.1:1", region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" }, maxAttempts: 1 });
    try {
      await expect(createQueue(nowhere, name)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.Unavailable && err.message.startsWith(`SQS queue ${name}: `));
    } finally {
      nowhere.destroy();
    }
  });
});

describe("queueUrl", () => {
  it("finds a queue that exists", async () => {
    const url = await createQueue(client, `${name}-found`);
    made.push(url);
    expect(await queueUrl(client, `${name}-found`)).toBe(url);
  });

  it("rejects with not_found, naming the queue, when it does not exist", async () => {
    await expect(queueUrl(client, `${name}-missing`)).rejects.toSatisfy((err) => isKitError(err) && err.code === Code.NotFound && err.message.startsWith(`SQS queue ${name}-missing: `));
  });
});
