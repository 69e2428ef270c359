// addsvc over Kafka: Sum as an event stream. A "sum requested" event on `<prefix>sum-requested`
// is handled by the Sum endpoint and answered with a "sum computed" event on
// `<prefix>sum-computed`, keyed by the request's id, through @kit/transport-kafka.
import { encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-kafka";
import { Partitioners, type Kafka } from "kafkajs";
import type { EndpointSet } from "./endpoints.ts";
import { decodeSumRequested, sumRequestedHandler, type SumComputed } from "./events.ts";
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
 * Serves Sum over Kafka: creates the two topics when they are missing, consumes
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
  const requests = `${topicPrefix}sum-requested`;
  const results = `${topicPrefix}sum-computed`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: requests, numPartitions: 3 }, { topic: results, numPartitions: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const publish = publisher(producer, results, encodeJSONMessage, { key: (event: SumComputed) => event.id });
  const sub = await subscriber(
    kafka,
    requests,
    sumRequestedHandler(endpoints, publish),
    decodeSumRequested,
    encodeJSONMessage,
    {
      groupId: options.groupId ?? `${topicPrefix}sum`,
      fromBeginning: true,
      producer,
      errorHandler: {
        handle: (_ctx, err) => {
          logger.log("transport", "Kafka", "err", err.message);
        },
      },
    },
  );
  logger.log("transport", "Kafka", "topic", requests, "results", results);
  let closing: Promise<void> | undefined;
  return {
    requests,
    results,
    close: () =>
      (closing ??= (async () => {
        try {
          await sub.close();
        } finally {
          await producer.disconnect();
        }
      })()),
  };
}
