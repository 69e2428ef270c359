// addsvc over Amazon SQS: Sum as an event stream (events.ts). A "sum requested" event on the
// requests queue is handled by the Sum endpoint and answered with a "sum computed" event on the
// results queue; a malformed event goes to the dead-letter queue. The queues, the subscriber and
// the publisher are kitgen's, from the AddEvents and AddResults interfaces.
import { GetQueueUrlCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { logErrorHandler } from "@kit/transport";
import type { EndpointSet } from "./endpoints.ts";
import { decodeSumRequested, sumRequestedHandler } from "./events.ts";
import * as requests from "./generated/add-events/add-events.sqs.ts";
import * as results from "./generated/add-results/add-results.sqs.ts";
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
 * Creates (or finds: `CreateQueue` is idempotent) addsvc's queues `<prefix>-sum-requested` and
 * `<prefix>-sum-computed`, with `<prefix>-dead-letter` the redrive target of both.
 *
 * @param client - the SQS client
 * @param prefix - put in front of the queue names; default `"addsvc"`
 */
export async function createSqsQueues(client: SQSClient, prefix = "addsvc"): Promise<SqsQueues> {
  const dead = `${prefix}-dead-letter`;
  const { sumRequested } = await requests.sqsCreateQueues(client, { names: { sumRequested: `${prefix}-sum-requested` }, deadLetters: { sumRequested: dead } });
  const { sumComputed } = await results.sqsCreateQueues(client, { names: { sumComputed: `${prefix}-sum-computed` }, deadLetters: { sumComputed: dead } });
  const deadLetter = (await client.send(new GetQueueUrlCommand({ QueueName: dead }))).QueueUrl;
  if (deadLetter === undefined) throw new Error(`SQS gave no URL for ${dead}`);
  return { requests: sumRequested, results: sumComputed, deadLetter };
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
  const publish = results.sqsTransport(client, { sumComputed: queues.results });
  const sub = requests.sqsSubscribers(client, { sumRequested: queues.requests }, { sumRequested: sumRequestedHandler(endpoints, publish.sumComputed) }, {
    decoders: { sumRequested: decodeSumRequested },
    subscriber: { concurrency, deadLetterQueueUrl: queues.deadLetter, errorHandler: logErrorHandler(logger) },
  });
  logger.log("transport", "SQS", "queue", queues.requests, "results", queues.results);
  return { close: () => sub.close() };
}
