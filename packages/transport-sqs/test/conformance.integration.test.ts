// The conformance suite of @kit/transport/testing against ElasticMQ (SQS_ENDPOINT, default
// http://127.0.0.1:9324; `bash scripts/services.sh start`), each case on queues of its own; the
// restart case on an ElasticMQ of the test's own (test/own-elasticmq.ts, port 18520).
import { DeleteMessageCommand, DeleteQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { conformanceCases, garbageOfSize, spawnConsumer, type ConformanceDeadLetter, type ConformanceHarness, type Probe, type ProbeReply } from "@kit/transport/testing";
import { afterAll, beforeAll, describe, test } from "vitest";
import { fromAttributes, toAttributes } from "../src/attributes.ts";
import { publisher } from "../src/publisher.ts";
import { replyQueue, type SqsReplyQueue } from "../src/reply-queue.ts";
import { subscriber } from "../src/subscriber.ts";
import type { OwnBroker } from "@kit/test-support";
import { startOwnElasticMq } from "./own-elasticmq.ts";
import { endpoint as sharedEndpoint, Queues } from "./sqs.ts";

const decode = decodeJSONMessage<Probe>();
const decodeReply = decodeJSONMessage<ProbeReply>();
const text = new TextDecoder();

/** One SQS server (the shared ElasticMQ, or the test's own) and what the harness made on it. */
class Server {
  readonly endpoint: string;
  readonly client: SQSClient;
  readonly queues: Queues;
  readonly #dlq = new Map<string, string>();
  readonly #replies = new Map<string, SqsReplyQueue>();
  readonly #letters = new Map<string, ConformanceDeadLetter[]>();

  constructor(endpoint: string) {
    this.endpoint = endpoint;
    this.client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" } });
    this.queues = new Queues(this.client);
  }

  async close(): Promise<void> {
    for (const replies of this.#replies.values()) await replies.close().catch(() => undefined);
    await this.queues.deleteAll();
  }

  async address(label: string): Promise<string> {
    const url = await this.queues.create(`conformance-${label}`);
    this.#dlq.set(url, await this.queues.create(`conformance-${label}-dead`));
    this.#replies.set(url, replyQueue(this.client, await this.queues.create("", { repliesTo: url }), { waitTimeSeconds: 1 }));
    return url;
  }

  dlqOf(url: string): string {
    const dlq = this.#dlq.get(url);
    if (dlq === undefined) throw new Error(`no dead-letter queue for ${url}`);
    return dlq;
  }

  /** What the dead-letter queue held so far (taken off it and kept here). */
  async deadLetters(url: string): Promise<ConformanceDeadLetter[]> {
    const kept = this.#letters.get(url) ?? [];
    this.#letters.set(url, kept);
    for (;;) {
      const out = await this.client.send(new ReceiveMessageCommand({ QueueUrl: this.dlqOf(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] }));
      const got = out.Messages ?? [];
      if (got.length === 0) return [...kept];
      for (const m of got) {
        kept.push({ body: new TextEncoder().encode(m.Body ?? ""), headers: new Map(fromAttributes(m.MessageAttributes)) });
        await this.client.send(new DeleteMessageCommand({ QueueUrl: this.dlqOf(url), ReceiptHandle: m.ReceiptHandle }));
      }
    }
  }

  harness(name: string): ConformanceHarness {
    return {
      name,
      address: (label) => this.address(label),
      serve: (url, endpoint, options) =>
        subscriber(this.client, url, endpoint, decode, encodeJSONMessage, { deadLetterQueueUrl: this.dlqOf(url), waitTimeSeconds: 1, visibilityTimeout: 3, ...options }),
      requester: (url, options) => {
        const replies = this.#replies.get(url);
        if (replies === undefined) throw new Error(`no reply queue for ${url}`);
        return publisher<Probe, ProbeReply>(this.client, url, encodeJSONMessage, decodeReply, { ...options, replies });
      },
      publisher: (url, options) => publisher<Probe>(this.client, url, encodeJSONMessage, undefined, options),
      publishRaw: async (url, body, headers) => {
        await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: text.decode(body), MessageAttributes: toAttributes(new Map(Object.entries(headers))) }));
      },
      deadLetters: (url) => this.deadLetters(url),
      poisonWithoutDeadLetter: async (url) => {
        await this.client.send(new DeleteQueueCommand({ QueueUrl: this.dlqOf(url) }));
        await this.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: text.decode(garbageOfSize(64)) }));
      },
      killableConsumer: (url) => spawnConsumer(new URL("conformance-child.ts", import.meta.url), [this.endpoint, url, this.dlqOf(url)]),
      serveBroken: (url) =>
        subscriber(this.client, `${url}-missing`, () => Promise.resolve({ id: 0 }), decode, encodeJSONMessage, {
          deadLetterQueueUrl: this.dlqOf(url),
          waitTimeSeconds: 1,
          errorHandler: { handle: () => undefined },
        }),
      redeliveryTime: 4_500,
    };
  }
}

describe("SQS", () => {
  const server = new Server(sharedEndpoint);
  afterAll(() => server.close());
  // Request/reply runs about 25 a second here (a long poll per reply): 400 keeps the growth case bounded.
  const harness: ConformanceHarness = {
    ...server.harness("sqs"),
    growthMessages: 400,
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case !== "broker-restart")) test(c.name, c.run, c.timeout);
});

describe("SQS, restarted (a server of the test's own)", () => {
  let own: OwnBroker;
  let server: Server;
  beforeAll(async () => {
    own = await startOwnElasticMq(18_520);
    server = new Server(own.url);
  }, 90_000);
  afterAll(async () => {
    await server.close();
    await own.destroy();
  });
  const harness: ConformanceHarness = {
    name: "sqs (own server)",
    address: (label) => server.address(label),
    serve: (...args) => server.harness("sqs").serve(...args),
    requester: (...args) => server.harness("sqs").requester(...args),
    publisher: (url, options) => publisher<Probe>(server.client, url, encodeJSONMessage, undefined, options),
    restartBroker: async () => {
      await own.stop();
      await own.start();
    },
  };
  // eslint-disable-next-line vitest/expect-expect, vitest/valid-title -- the cases assert with node:assert; their names come from the suite
  for (const c of conformanceCases(harness).filter((r) => r.case === "broker-restart")) test(c.name, c.run, c.timeout);
});
