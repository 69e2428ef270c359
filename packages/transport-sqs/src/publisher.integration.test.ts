// The SQS publisher and request/reply against a real SQS-compatible server on 127.0.0.1
// (ElasticMQ; see test/sqs.ts), and interop with the AWS CLI, a client that is not Kit.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { until } from "@kit/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { background, Code, KitError, timeRemaining, withCancel, withTimeout, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import { publisher } from "./publisher.ts";
import { replyQueue, type SqsReplyQueue } from "./reply-queue.ts";
import { subscriber } from "./subscriber.ts";
import { drain, endpoint, Queues, sleep, sqsClient } from "../test/sqs.ts";

const run = promisify(execFile);

let client: SQSClient;
let queues: Queues;
const closers: (() => Promise<void>)[] = [];

beforeEach(() => {
  client = sqsClient();
  queues = new Queues(client);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await queues.deleteAll();
  client.destroy();
});

interface SumRequest {
  a: number;
  b: number;
  sleep?: number;
}
interface SumReply {
  v: number;
  budget: number | undefined;
}

/** A sum service on a fresh queue, and a request/reply publisher for it. */
async function sumService(): Promise<{ sum: Endpoint<SumRequest, SumReply>; replies: SqsReplyQueue; queueUrl: string }> {
  const queueUrl = await queues.create("sum");
  const dlq = await queues.create("sum-dlq");
  const replyUrl = await queues.create("replies", { repliesTo: queueUrl });
  const sumEndpoint: Endpoint<SumRequest, SumReply> = async (ctx, { a, b, sleep: ms }) => {
    if (a < 0) throw new KitError(Code.NotFound, `no number ${a}`);
    if (ms !== undefined) await sleep(ms);
    return { v: a + b, budget: timeRemaining(ctx) };
  };
  const sub: Subscriber = subscriber(client, queueUrl, sumEndpoint, decodeJSONMessage<SumRequest>(), encodeJSONMessage, {
    deadLetterQueueUrl: dlq,
    waitTimeSeconds: 1,
  });
  const replies = replyQueue(client, replyUrl, { waitTimeSeconds: 1 });
  closers.push(() => sub.close(), () => replies.close());
  const sum = publisher(client, queueUrl, encodeJSONMessage, decodeJSONMessage<SumReply>(), { replies });
  return { sum, replies, queueUrl };
}

describe("SQS publisher", () => {
  it("makes a request/reply round trip", async () => {
    const { sum } = await sumService();
    const [ctx, cancel] = withTimeout(background(), 10_000);
    try {
      await expect(sum(ctx, { a: 2, b: 3 })).resolves.toMatchObject({ v: 5 });
    } finally {
      cancel();
    }
  });

  it("carries an error code across: not_found on the server is not_found on the caller", async () => {
    const { sum } = await sumService();
    const [ctx, cancel] = withTimeout(background(), 10_000);
    try {
      const err = await sum(ctx, { a: -1, b: 0 }).catch((thrown: unknown) => thrown);
      expect(err).toBeInstanceOf(KitError);
      expect(err).toMatchObject({ code: "not_found", message: "no number -1" });
    } finally {
      cancel();
    }
  });

  it("sends the caller's deadline, which the server sees, and a late reply is deadline_exceeded", async () => {
    const { sum } = await sumService();
    const [ctx, cancel] = withTimeout(background(), 8_000);
    try {
      const { budget } = await sum(ctx, { a: 1, b: 1 });
      expect(budget).toBeGreaterThan(0);
      expect(budget).toBeLessThanOrEqual(8_000);
    } finally {
      cancel();
    }
    const [short, cancelShort] = withTimeout(background(), 1_000);
    const started = Date.now();
    try {
      await expect(sum(short, { a: 1, b: 1, sleep: 3_000 })).rejects.toMatchObject({ code: "deadline_exceeded" });
      expect(Date.now() - started).toBeLessThan(2_900);
    } finally {
      cancelShort();
    }
  });

  it("stops waiting when the caller cancels", async () => {
    const { sum } = await sumService();
    const [ctx, cancel] = withCancel(background());
    const call = sum(ctx, { a: 1, b: 1, sleep: 3_000 });
    setTimeout(() => {
      cancel();
    }, 200);
    await expect(call).rejects.toMatchObject({ code: "canceled" });
  });

  it("stops a call whose ctx has no deadline at its timeout, and sends no kit-timeout (the timeout is the caller's own)", async () => {
    const queueUrl = await queues.create("silent");
    const replies = replyQueue(client, await queues.create("silent-replies"), { waitTimeSeconds: 1 });
    closers.push(() => replies.close());
    const call = publisher(client, queueUrl, encodeJSONMessage, decodeJSONMessage(), { replies, timeout: 500 });
    const started = Date.now();
    const err = await call(background(), { a: 1 }).catch((thrown: unknown) => thrown);
    expect(err).toMatchObject({ code: Code.DeadlineExceeded, message: `SQS queue ${queueUrl}: no reply within 500 ms` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const [sent] = await drain(client, queueUrl, 1, 5_000);
    expect(sent?.MessageAttributes?.["kit-timeout"]).toBeUndefined();
    expect(sent?.MessageAttributes?.["kit-reply-to"]?.StringValue).toBe(replies.url);
  });

  it("reports a reply that is not JSON as internal (the server's fault), and close() cancels what waits", async () => {
    const queueUrl = await queues.create("garbage");
    const replies = replyQueue(client, await queues.create("garbage-replies"), { waitTimeSeconds: 1 });
    closers.push(() => replies.close());
    const call = publisher(client, queueUrl, encodeJSONMessage, decodeJSONMessage(), { replies });
    const [ctx, cancel] = withTimeout(background(), 15_000);
    const reply = call(ctx, { a: 1 }).catch((thrown: unknown) => thrown);
    // A peer that is not Kit answers on the reply queue with the request's correlation id and a body that is not JSON.
    const [request] = await drain(client, queueUrl, 1, 10_000);
    await client.send(
      new SendMessageCommand({
        QueueUrl: replies.url,
        MessageBody: "<html>",
        MessageAttributes: { "kit-correlation-id": { DataType: "String", StringValue: request?.MessageAttributes?.["kit-correlation-id"]?.StringValue ?? "" } },
      }),
    );
    const err = await reply;
    cancel();
    expect(err).toMatchObject({ code: Code.Internal });
    expect((err as KitError).message).toMatch(/: malformed reply: malformed JSON/);
    const waiting = call(background(), { a: 2 }).catch((thrown: unknown) => thrown);
    await sleep(100);
    await replies.close();
    expect(await waiting).toMatchObject({ code: Code.Canceled });
    await expect(call(background(), { a: 3 })).rejects.toMatchObject({ code: Code.Canceled });
  });

  it("sends many messages at once as batches, and every one arrives", async () => {
    const queueUrl = await queues.create("batch");
    const send = publisher(client, queueUrl, encodeJSONMessage, undefined);
    let batches = 0;
    client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === SendMessageBatchCommand.name) batches++;
        return next(args);
      },
      { step: "initialize", name: "countBatches" },
    );
    await Promise.all(Array.from({ length: 35 }, (_, n) => send(background(), { n })));
    expect(batches).toBe(4); // 10 + 10 + 10 + 5
    const got = await drain(client, queueUrl, 35, 10_000);
    expect(got.map((m) => (JSON.parse(m.Body ?? "") as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i));
  });

  it("sets a FIFO message's group and deduplication id from the request", async () => {
    const queueUrl = await queues.create("fifo-pub", { fifo: true });
    const send = publisher(client, queueUrl, encodeJSONMessage, undefined, {
      groupId: (o: { customer: string; id: number }) => o.customer,
      deduplicationId: (o) => `order-${o.id}`,
    });
    await send(background(), { customer: "ann", id: 1 });
    await send(background(), { customer: "ann", id: 1 }); // a duplicate: dropped by SQS
    await send(background(), { customer: "bob", id: 2 });
    const got = await drain(client, queueUrl, 3, 4_000);
    expect(got.map((m) => [m.Attributes?.MessageGroupId, m.Body])).toEqual(
      expect.arrayContaining([
        ["ann", JSON.stringify({ customer: "ann", id: 1 })],
        ["bob", JSON.stringify({ customer: "bob", id: 2 })],
      ]),
    );
    expect(got).toHaveLength(2);
  });

  it("refuses a body that is not UTF-8 text with invalid_argument", async () => {
    const queueUrl = await queues.create("binary");
    const send = publisher(
      client,
      queueUrl,
      (_ctx, _v: unknown, message) => {
        message.body = new Uint8Array([0xff, 0xfe]);
      },
      undefined,
    );
    await expect(send(background(), {})).rejects.toMatchObject({ code: "invalid_argument", message: expect.stringMatching(/UTF-8/) as unknown });
  });
});

describe("interop with the AWS CLI", () => {
  const aws = (...args: string[]): Promise<{ stdout: string }> =>
    run("aws", ["--region", "us-east-1", "--endpoint-url", endpoint, "--output", "json", "sqs", ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "kit", AWS_SECRET_ACCESS_KEY: "kit" },
      timeout: 30_000,
    });

  it("a Kit subscriber consumes what the AWS CLI sent, with its attributes", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("cli-in");
    const dlq = await queues.create("cli-in-dlq");
    await aws(
      "send-message",
      "--queue-url",
      queueUrl,
      "--message-body",
      JSON.stringify({ hello: "from the CLI" }),
      "--message-attributes",
      JSON.stringify({ "trace-id": { DataType: "String", StringValue: "abc123" } }),
    );
    const got: { body: unknown; trace: string | null | undefined }[] = [];
    const sub = subscriber(
      client,
      queueUrl,
      (_ctx, body: unknown) => (got.push({ body, trace: undefined }), Promise.resolve(undefined)),
      decodeJSONMessage(),
      encodeJSONMessage,
      { deadLetterQueueUrl: dlq, waitTimeSeconds: 1, before: [(ctx, message) => (got.push({ body: "headers", trace: message.headers.get("trace-id") }), ctx)] },
    );
    try {
      await until("the CLI's message handled", () => got.length === 2, { timeout: 20_000 });
      expect(got).toEqual([
        { body: "headers", trace: "abc123" },
        { body: { hello: "from the CLI" }, trace: undefined },
      ]);
    } finally {
      await sub.close();
    }
  });

  it("the AWS CLI reads what a Kit publisher sent, with its headers as attributes", { timeout: 60_000 }, async () => {
    const queueUrl = await queues.create("cli-out");
    const send = publisher(client, queueUrl, encodeJSONMessage, undefined, {
      before: [(ctx, message) => (message.headers.set("order-id", "o-42"), ctx)],
    });
    await send(background(), { hello: "from Kit" });
    const { stdout } = await aws("receive-message", "--queue-url", queueUrl, "--message-attribute-names", "All", "--wait-time-seconds", "5");
    const out = JSON.parse(stdout) as { Messages: { Body: string; MessageAttributes: Record<string, { StringValue: string }> }[] };
    expect(out.Messages).toHaveLength(1);
    expect(JSON.parse(out.Messages[0]?.Body ?? "")).toEqual({ hello: "from Kit" });
    expect(out.Messages[0]?.MessageAttributes["order-id"]?.StringValue).toBe("o-42");
    expect(out.Messages[0]?.MessageAttributes["content-type"]?.StringValue).toBe("application/json");
  });
});
