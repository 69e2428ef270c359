// addsvc over Amazon SQS: Sum as an event stream (events.ts). A "sum requested" event on the
// requests queue is handled by the Sum endpoint and answered with a "sum computed" event on the
// results queue, through @kit/transport-sqs; a malformed event goes to the dead-letter queue.
import { CreateQueueCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { encodeJSONMessage, logErrorHandler } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-sqs";
import type { EndpointSet } from "./endpoints.ts";
import { decodeSumRequested, sumRequestedHandler, type SumComputed } from "./events.ts";
import type { Logger } from "./middleware.ts";

/** The queues addsvc uses on SQS. */
export interface SqsQueues {
  /** Where "sum requested" events arrive. */
  readonly requests: string;
  /** Where "sum computed" events go. */
  readonly results: string;
  /** Where requests that cannot be handled go. */
  readonly deadLetter: string;
}

/**
 * Creates (or finds: `CreateQueue` is idempotent) addsvc's queues `<prefix>-sum-requested`,
 * `<prefix>-sum-computed` and `<prefix>-dead-letter`.
 *
 * @param client - the SQS client
 * @param prefix - put in front of the queue names; default `"addsvc"`
 */
export async function createSqsQueues(client: SQSClient, prefix = "addsvc"): Promise<SqsQueues> {
  const create = async (name: string): Promise<string> => {
    const out = await client.send(new CreateQueueCommand({ QueueName: `${prefix}-${name}` }));
    if (out.QueueUrl === undefined) throw new Error(`SQS gave no URL for ${prefix}-${name}`);
    return out.QueueUrl;
  };
  const [requests, results, deadLetter] = await Promise.all([create("sum-requested"), create("sum-computed"), create("dead-letter")]);
  return { requests, results, deadLetter };
}

/** What {@link serveSqs} needs besides the client and the endpoints. */
export interface ServeSqsOptions {
  /** Gets one line when it is ready and one per error the subscriber sees. */
  readonly logger: Logger;
  /** The queues, from {@link createSqsQueues}. */
  readonly queues: SqsQueues;
  /** Events handled at once; default 16. */
  readonly concurrency?: number;
}

/**
 * Serves addsvc's Sum over SQS as an event stream: consumes the requests queue and sends each
 * result to the results queue, at least once (a request is deleted only after its result was
 * sent). Logs `transport=SQS queue=…` once it consumes.
 *
 * @param client - the SQS client
 * @param endpoints - addsvc's endpoints
 * @param options - logger, queues, concurrency
 *
 * @example
 * ```ts
 * const queues = await createSqsQueues(sqs);
 * const server = serveSqs(sqs, endpoints, { logger, queues });
 * // send {"id":"1","a":2,"b":3} to queues.requests; read {"id":"1","v":5} from queues.results
 * await server.close();
 * ```
 */
export function serveSqs(client: SQSClient, endpoints: EndpointSet, options: ServeSqsOptions): { close(): Promise<void> } {
  const { logger, queues, concurrency = 16 } = options;
  const publish = publisher<SumComputed>(client, queues.results, encodeJSONMessage, undefined);
  const sub = subscriber(client, queues.requests, sumRequestedHandler(endpoints, publish), decodeSumRequested, encodeJSONMessage, {
    concurrency,
    deadLetterQueueUrl: queues.deadLetter,
    errorHandler: logErrorHandler(logger),
  });
  logger.log("transport", "SQS", "queue", queues.requests, "results", queues.results);
  return { close: () => sub.close() };
}
