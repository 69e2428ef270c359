import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { Code, KitError } from "@kit/endpoint";
import { fromSqsError } from "./internal/errors.ts";

/** Options for {@link createQueue}. */
export interface CreateQueueOptions {
  /**
   * The dead-letter queue to create first and name as the queue's redrive target, where a
   * subscriber sends poison messages; several queues may share one. None without it.
   */
  readonly deadLetter?: string | undefined;
  /** How many receives a message gets before SQS moves it to `deadLetter`; default 10. */
  readonly maxReceiveCount?: number;
}

/** The URL SQS answered with, or `internal` naming the queue when it answered none. */
function urlOf(name: string, url: string | undefined): string {
  if (url === undefined) throw new KitError(Code.Internal, `SQS returned no URL for queue ${name}`);
  return url;
}

/**
 * The URL of the queue named `name`, which must exist.
 *
 * @param client - the user's `SQSClient`
 * @param name - the queue's name
 * @returns its URL
 * @throws KitError `not_found` for a queue that does not exist, else by the package's table
 * (`unavailable` when SQS cannot be reached…), its message `SQS queue <name>: …`
 */
export async function queueUrl(client: SQSClient, name: string): Promise<string> {
  try {
    return urlOf(name, (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl);
  } catch (thrown) {
    throw fromSqsError(thrown, `queue ${name}`);
  }
}

/**
 * Creates the queue named `name` (with `options.deadLetter`, its dead-letter queue, created
 * first) and returns its URL. Idempotent while the queue's attributes are unchanged: run it at
 * start-up, as kitgen's generated `sqsCreateQueues` does for each method's queue.
 *
 * @param client - the user's `SQSClient`
 * @param name - the queue's name
 * @param options - its dead-letter queue and how many receives lead there
 * @returns the queue's URL
 * @throws KitError by the package's table (`unavailable` when SQS cannot be reached,
 * `invalid_argument` for a name SQS refuses…), its message `SQS queue <name>: …`
 */
export async function createQueue(client: SQSClient, name: string, options: CreateQueueOptions = {}): Promise<string> {
  const create = async (queue: string, Attributes?: Record<string, string>): Promise<string> => {
    try {
      return urlOf(queue, (await client.send(new CreateQueueCommand({ QueueName: queue, ...(Attributes === undefined ? {} : { Attributes }) }))).QueueUrl);
    } catch (thrown) {
      throw fromSqsError(thrown, `queue ${queue}`);
    }
  };
  if (options.deadLetter === undefined) return create(name);
  const dead = await create(options.deadLetter);
  let arn: string | undefined;
  try {
    arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dead, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
  } catch (thrown) {
    throw fromSqsError(thrown, `queue ${options.deadLetter}`);
  }
  const RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: options.maxReceiveCount ?? 10 });
  return create(name, { RedrivePolicy });
}
