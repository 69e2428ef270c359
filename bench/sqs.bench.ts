// Kit's SQS transport against the raw AWS SDK loop, on the same SQS-compatible server
// (ElasticMQ on 127.0.0.1:9324, SQS_ENDPOINT overrides; `bash scripts/services.sh start`).
//
// Each round, each side sends ROUND messages with 100 in flight, then each side consumes its own:
// - raw: SendMessageBatch calls of 10 (10 at once); then the loop users write by hand,
//   ReceiveMessage (10, long poll) → handle each → DeleteMessageBatch, one poller;
// - Kit: `publisher` calls (100 at once; Kit batches them into SendMessageBatch itself); then
//   `subscriber` with its default concurrency (16), which takes 10 at a time and deletes in
//   batches too.
// Both make the same requests: 0.1 SendMessageBatch per message sent, 0.1 ReceiveMessage and
// 0.1 DeleteMessageBatch per message consumed. Both send the same messages: the same JSON bodies
// ({ a: n, b: 1 }) and a content-type attribute. Kit's receive also asks for two system
// attributes its guarantees need (ApproximateReceiveCount for maxAttempts, SentTimestamp for the
// kit-timeout budget) and sets the visibility timeout it extends; the raw loop does neither.
// The handler is the same trivial work on both sides (parse the JSON body, add two numbers).
// Rounds alternate which side goes first; the table shows the medians and the ratio of the
// medians, which the target is checked on. Also printed: the median of each round's own
// Kit/raw ratio (both sides of a round run back to back, so load that drifts from round to round
// cancels out) and this process's CPU time per message.
//
// After the rounds, one message at a time (interleaved rounds, sequence-harness.ts; p50/p99 in
// µs, the latency a chain pays per hop, reported and not a target): sent and handled (raw
// `SendMessage` and the raw loop polling all along, against Kit's publisher and subscriber),
// then only sent (raw `SendMessage` against Kit's publisher, whose batch is then of one, and
// against a raw `SendMessageBatch` of one, which is what Kit sends).
//
// The figures of each day's quiet runs are in bench/README.md.
import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { background, type Endpoint } from "@kit/endpoint";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-sqs";
import type { AsyncCase } from "./async-harness.ts";
import { printTable, ratio, type Result } from "./harness.ts";
import { compareSequence, printLatency, type LatencyResult } from "./sequence-harness.ts";
import { median, pairedRatio, phaseResult, pool, produceConsumeRounds, type Phase, type RoundsSamples } from "./produce-consume.ts";

const TARGET = 0.9;
const ROUND = 4_000;
const ROUNDS = 11;
const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";
const client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });

interface Job {
  readonly a: number;
  readonly b: number;
}
let checksum = 0;
const work = (job: Job): void => {
  checksum += job.a + job.b;
};

async function createQueue(name: string): Promise<string> {
  const out = await client.send(new CreateQueueCommand({ QueueName: `kit-bench-${name}-${randomUUID().slice(0, 8)}` }));
  return out.QueueUrl ?? "";
}

async function rawProduce(queueUrl: string): Promise<void> {
  await pool(ROUND / 10, 10, (batch) =>
    client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ a: batch * 10 + i, b: 1 }), // the same bodies as Kit's
          MessageAttributes: { "content-type": { DataType: "String", StringValue: "application/json" } }, // what Kit's JSON codec sends
        })),
      }),
    ),
  );
}

async function rawConsume(queueUrl: string): Promise<void> {
  let handled = 0;
  while (handled < ROUND) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
    );
    const messages = out.Messages ?? [];
    for (const m of messages) work(JSON.parse(m.Body ?? "{}") as Job);
    if (messages.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) }),
      );
    }
    handled += messages.length;
  }
}

async function kitProduce(queueUrl: string): Promise<void> {
  const send = publisher(client, queueUrl, encodeJSONMessage, undefined);
  await pool(ROUND, 100, (i) => send(background(), { a: i, b: 1 }));
}

async function kitConsume(queueUrl: string, deadLetterQueueUrl: string): Promise<void> {
  let handled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const handle: Endpoint<Job, undefined> = (_ctx, job) => {
    work(job);
    if (++handled === ROUND) done();
    return Promise.resolve(undefined);
  };
  const sub = subscriber(client, queueUrl, handle, decodeJSONMessage<Job>(), encodeJSONMessage, {
    deadLetterQueueUrl, // and the default concurrency, 16
    waitTimeSeconds: 1,
  });
  await finished;
  await sub.close(); // waits for the last deletes
}

const attributes = { "content-type": { DataType: "String", StringValue: "application/json" } };
const rawSendOne = (queueUrl: string, job: Job) => () =>
  client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(job), MessageAttributes: attributes }));

/** The raw loop polling `queueUrl` until `stopped()` (or for 10 minutes at most), calling `handled(job)` for each message. */
async function rawPoller(queueUrl: string, handled: (job: Job) => void, stopped: () => boolean): Promise<void> {
  const until = performance.now() + 600_000;
  while (!stopped() && performance.now() < until) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    const messages = out.Messages ?? [];
    for (const m of messages) handled(JSON.parse(m.Body ?? "{}") as Job);
    if (messages.length > 0) {
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) }));
    }
  }
}

/** One message at a time: sent and handled, then only sent; returns what prints their p50/p99. */
async function oneAtATime(): Promise<() => void> {
  const options = { rounds: 5, roundMs: 1_000, warmupMs: 500, maxCallsPerRound: 5_000 };
  const waiting = new Map<number, () => void>();
  const handled = (job: Job): void => {
    work(job);
    waiting.get(job.a)?.();
  };
  let stopped = false;
  const poller = rawPoller(rawQueue, handled, () => stopped);
  const sub = subscriber(client, kitQueue, (_ctx, job: Job) => {
    handled(job);
    return Promise.resolve();
  }, decodeJSONMessage<Job>(), encodeJSONMessage, { deadLetterQueueUrl: kitDlq, waitTimeSeconds: 1 });
  const kitSend = publisher(client, kitQueue, encodeJSONMessage, undefined);
  let id = 0;
  const through = (send: (job: Job) => Promise<unknown>) => (): Promise<unknown> => {
    const job = { a: ++id, b: 1 };
    return Promise.all([new Promise<void>((resolve) => waiting.set(job.a, resolve)), send(job)]).finally(() => waiting.delete(job.a));
  };
  const endToEnd: AsyncCase[] = [
    { name: "raw SendMessage → poll", run: through((job) => rawSendOne(rawQueue, job)()) },
    { name: "kit publisher → subscriber", run: through((job) => kitSend(background(), job)) },
  ];
  let throughResults: LatencyResult[];
  try {
    throughResults = await compareSequence(endToEnd, options);
  } finally {
    stopped = true;
    await Promise.all([poller, sub.close()]);
  }
  const sendOnly: AsyncCase[] = [
    { name: "raw SendMessage", run: rawSendOne(rawQueue, { a: 0, b: 1 }) },
    { name: "raw SendMessageBatch of one", run: () => client.send(new SendMessageBatchCommand({ QueueUrl: rawQueue, Entries: [{ Id: "0", MessageBody: '{"a":0,"b":1}', MessageAttributes: attributes }] })) },
    { name: "kit publisher", run: () => kitSend(background(), { a: 0, b: 1 }) },
  ];
  const sendResults = await compareSequence(sendOnly, options);
  return () => {
    printLatency("SQS send → handled, one message at a time (µs per message)", throughResults, "raw SendMessage → poll");
    printLatency("SQS send, one message at a time (µs per message)", sendResults, "raw SendMessage");
  };
}

const rawQueue = await createQueue("raw");
const kitQueue = await createQueue("kit");
const kitDlq = await createQueue("kit-dlq");
const started = Date.now();
let samples: RoundsSamples;
let printOneAtATime: () => void;
try {
  samples = await produceConsumeRounds(
    {
      raw: { produce: () => rawProduce(rawQueue), consume: () => rawConsume(rawQueue) },
      kit: { produce: () => kitProduce(kitQueue), consume: () => kitConsume(kitQueue, kitDlq) },
    },
    { rounds: ROUNDS, perRound: ROUND },
  );
  printOneAtATime = await oneAtATime();
} finally {
  await Promise.all([rawQueue, kitQueue, kitDlq].map((QueueUrl) => client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
}

const { rates, cpu } = samples;
const result = (name: Phase): Result => phaseResult(samples, name);
const produced = [result("raw produce"), result("kit produce")];
const consumed = [result("raw consume"), result("kit consume")];
printTable(`SQS: send ${ROUND} messages, 100 in flight (messages/s)`, produced, "raw produce");
printTable(`SQS: receive, handle and delete ${ROUND} messages (messages/s)`, consumed, "raw consume");
const producing = ratio(produced, "kit produce", "raw produce");
const consuming = ratio(consumed, "kit consume", "raw consume");
const producingPaired = pairedRatio(rates["kit produce"], rates["raw produce"]);
const consumingPaired = pairedRatio(rates["kit consume"], rates["raw consume"]);
console.log(`\nmedian of the rounds' own Kit/raw ratios: send ${producingPaired.toFixed(2)}, consume ${consumingPaired.toFixed(2)}`);
const micros = (name: Phase): string => median(cpu[name]).toFixed(0);
console.log(
  `\nCPU of this process per message (median µs): send raw ${micros("raw produce")}, Kit ${micros("kit produce")}; ` +
    `receive, handle and delete raw ${micros("raw consume")}, Kit ${micros("kit consume")}`,
);
printOneAtATime();
const met = producing >= TARGET && consuming >= TARGET;
console.log(
  `\ntarget: Kit SQS ≥ ${TARGET.toFixed(2)} × the raw SDK loop: ${met ? "MET" : "NOT MET"} ` +
    `(send ${producing.toFixed(2)}, consume ${consuming.toFixed(2)}); ${((Date.now() - started) / 1000).toFixed(1)} s, checksum ${checksum}`,
);
client.destroy();
if (!met) process.exitCode = 1;
