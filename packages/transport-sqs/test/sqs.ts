// Shared by the SQS integration tests: a client for the SQS-compatible server on 127.0.0.1
// (ElasticMQ, started by scripts/services.sh; SQS_ENDPOINT overrides), and queues made fresh
// for each test and deleted after it.
import { randomUUID } from "node:crypto";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from "@aws-sdk/client-sqs";

export const endpoint = process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324";

/** A client for the test server (any credentials do). */
export function sqsClient(): SQSClient {
  return new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "kit", secretAccessKey: "kit" }, maxAttempts: 1 });
}

/** Queues a test made, deleted by `deleteAll`. */
export class Queues {
  private readonly urls: string[] = [];
  private readonly client: SQSClient;

  constructor(client: SQSClient) {
    this.client = client;
  }

  /**
   * Makes a queue with a unique name (FIFO when `fifo`), with `attributes`; with `repliesTo`, the
   * queue is named as that queue's reply queue (`<its name>-replies-<unique>`), inside the reply
   * namespace a subscriber on it accepts by default.
   */
  async create(prefix: string, options: { fifo?: boolean; attributes?: Record<string, string>; repliesTo?: string } = {}): Promise<string> {
    const base = options.repliesTo === undefined ? `kit-${prefix}` : `${(options.repliesTo.split("/").at(-1) ?? "").replace(/\.fifo$/, "")}-replies`;
    const name = `${base}-${randomUUID().slice(0, 8)}${options.fifo === true ? ".fifo" : ""}`;
    const attributes: Record<string, string> = { ...(options.fifo === true ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {}), ...options.attributes };
    const out = await this.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (out.QueueUrl === undefined) throw new Error(`no URL for ${name}`);
    this.urls.push(out.QueueUrl);
    return out.QueueUrl;
  }

  /** Remembers a queue someone else made (a README example), to delete it with the rest. */
  track(queueUrl: string): void {
    this.urls.push(queueUrl);
  }

  async deleteAll(): Promise<void> {
    await Promise.all(this.urls.map((QueueUrl) => this.client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
  }
}

/** How many messages a queue holds: waiting, in flight (invisible) and delayed. */
export async function depth(client: SQSClient, queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? Number.NaN),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? Number.NaN),
  };
}

/** Reads up to `count` messages off a queue (with their attributes), waiting up to `ms`. */
export async function drain(client: SQSClient, queueUrl: string, count: number, ms: number): Promise<Message[]> {
  const got: Message[] = [];
  const end = Date.now() + ms;
  while (got.length < count && Date.now() < end) {
    const out = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }),
    );
    got.push(...(out.Messages ?? []));
  }
  return got;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
