// addsvc over Kafka: Sum as an event stream (events.ts). A "sum requested" event on
// `<prefix>sum-requested` is handled by the Sum endpoint and answered with a "sum computed" event
// on `<prefix>sum-computed`, keyed by the request's id. The topics, the subscriber and the
// publisher are kitgen's, from the AddEvents and AddResults interfaces.
import type { Kafka } from "kafkajs";
import type { EndpointSet } from "./endpoints.ts";
import { decodeSumRequested, sumRequestedHandler } from "./events.ts";
import * as requests from "./generated/add-events/add-events.kafka.ts";
import * as results from "./generated/add-results/add-results.kafka.ts";
import type { Logger } from "./middleware.ts";

/** Options for {@link serveKafka}. */
export interface KafkaOptions {
  /** Gets one line when it is ready and one per error the subscriber sees. */
  readonly logger: Logger;
  /** Put in front of the topic names, so several addsvc share a broker; default `"addsvc."`. */
  readonly topicPrefix?: string;
  /** The consumer group; default `<topicPrefix>sum`. */
  readonly groupId?: string;
}

/** addsvc's Kafka side, running. */
export interface KafkaService {
  /** The topic it reads requests from. */
  readonly requests: string;
  /** The topic it writes results to. */
  readonly results: string;
  /** Lets the events being handled finish, commits them, and disconnects. */
  close(): Promise<void>;
}

/**
 * Serves Sum over Kafka: creates the two topics (3 partitions) when they are missing, consumes
 * `sum-requested` in a consumer group, calls the Sum endpoint (with its logging and
 * instrumenting middleware) and produces a `sum-computed` event keyed by the request's id. A
 * business error is a result (`error` in the event); a malformed event goes to the dead-letter
 * topic `<prefix>sum-requested.dead-letter`; a failed produce is retried.
 *
 * @param kafka - the kafkajs client
 * @param endpoints - addsvc's endpoints
 * @param options - logger, topic prefix, group
 *
 * @example
 * ```ts
 * const svc = await serveKafka(new Kafka({ brokers: ["127.0.0.1:9092"] }), endpoints, { logger });
 * // produce {"id":"1","a":2,"b":3} to addsvc.sum-requested; read {"id":"1","v":5} from addsvc.sum-computed
 * await svc.close();
 * ```
 */
export async function serveKafka(kafka: Kafka, endpoints: EndpointSet, options: KafkaOptions): Promise<KafkaService> {
  const { logger, topicPrefix = "addsvc." } = options;
  const names = { requests: `${topicPrefix}sum-requested`, results: `${topicPrefix}sum-computed` };
  await Promise.all([requests.kafkaTopics(kafka, { names: { sumRequested: names.requests } }, 3), results.kafkaTopics(kafka, { names: { sumComputed: names.results } }, 3)]);
  const publish = await results.kafkaTransport(kafka, { names: { sumComputed: names.results }, keys: { sumComputed: (event) => event.id } });
  const sub = await requests
    .kafkaSubscribers(kafka, { sumRequested: sumRequestedHandler(endpoints, publish.sumComputed) }, {
      names: { sumRequested: names.requests },
      groups: { sumRequested: options.groupId ?? `${topicPrefix}sum` },
      decoders: { sumRequested: decodeSumRequested },
      subscriber: {
        fromBeginning: true,
        errorHandler: {
          handle: (_ctx, err) => {
            logger.log("transport", "Kafka", "err", err.message);
          },
        },
      },
    })
    .catch(async (err: unknown) => {
      await publish.close();
      throw err;
    });
  logger.log("transport", "Kafka", "topic", names.requests, "results", names.results);
  let closing: Promise<void> | undefined;
  return { ...names, close: () => (closing ??= sub.close().finally(() => publish.close())) };
}
