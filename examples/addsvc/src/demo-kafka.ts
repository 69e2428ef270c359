// The Kafka part of the addsvc demo: needs a broker (`bash scripts/kafka.sh start`). Runs on its
// own with `node src/demo-kafka.ts` (brokers from KAFKA_BROKERS, default 127.0.0.1:9092).
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import * as log from "@kit/log";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, encodeJSONMessage, type ErrorHandler } from "@kit/transport";
import { atLeastOnceProducer, publisher, subscriber } from "@kit/transport-kafka";
import { Kafka, logLevel } from "kafkajs";
import { makeEndpoints, type AddEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { sumEvents } from "./events.ts";
import { makeEndpoints as eventEndpoints, type SumRequestedRequest as SumRequested } from "./generated/add-events/add-events.endpoints.ts";
import * as requests from "./generated/add-events/add-events.kafka.ts";
import { addResultsClient, type SumComputedRequest as SumComputed } from "./generated/add-results/add-results.endpoints.ts";
import * as results from "./generated/add-results/add-results.kafka.ts";
import { newBasicService } from "./service.ts";

/**
 * Shows addsvc over Kafka: starts {@link serveKafka} on topics of its own, publishes a few
 * "sum requested" events (one of them a business error), reads the "sum computed" events,
 * prints each, and throws when a result is wrong or missing. Deletes its topics at the end.
 *
 * @param brokers - the Kafka brokers, such as `["127.0.0.1:9092"]`
 * @param print - gets each line to show
 *
 * @example
 * ```ts
 * await demoKafka(["127.0.0.1:9092"], console.log);
 * ```
 */
export async function demoKafka(brokers: string[], print: (line: string) => void): Promise<void> {
  const kafka = new Kafka({ clientId: "addsvc-demo", brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  const topicPrefix = `addsvc-demo-${randomUUID().slice(0, 8)}`;
  const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger: log.nop(), metrics: memory() });
  const svc = await serveKafka(kafka, endpoints, topicPrefix);
  const producer = atLeastOnceProducer(kafka);
  const admin = kafka.admin();
  try {
    await producer.connect();
    print(`addsvc consumes ${svc.requests} and produces ${svc.results} on ${brokers.join(",")}`);
    const computed = new Map<string, SumComputed>();
    const collect: Endpoint<SumComputed, void> = async (_ctx, event) => {
      computed.set(event.id, event);
      await Promise.resolve();
    };
    const reader = await subscriber(kafka, svc.results, collect, decodeJSONMessage<SumComputed>(), encodeJSONMessage, {
      groupId: `${topicPrefix}demo-reader`,
      fromBeginning: true,
    });
    try {
      const requested: (SumRequested & { want: SumComputed })[] = [
        { id: "1", a: 2, b: 3, want: { id: "1", v: 5 } },
        { id: "2", a: 40, b: 2, want: { id: "2", v: 42 } },
        { id: "3", a: 0, b: 0, want: { id: "3", error: { code: "invalid_argument", message: "can't sum two zeroes" } } },
      ];
      const request = publisher(producer, svc.requests, encodeJSONMessage, { key: (e: SumRequested) => e.id });
      const [ctx, cancel] = withTimeout(background(), 30_000);
      try {
        for (const { id, a, b } of requested) {
          const event = { id, a, b };
          await request(ctx, event);
          print(`  → sum-requested ${JSON.stringify(event)}`);
        }
        const end = Date.now() + 30_000;
        while (computed.size < requested.length && Date.now() < end && !ctx.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        cancel();
      }
      const wrong: string[] = [];
      for (const { id, want } of requested) {
        const got = computed.get(id);
        print(`  ← sum-computed ${got === undefined ? "(none)" : JSON.stringify(got)}`);
        if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`request ${id}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      }
      if (wrong.length > 0) throw new Error(`the Kafka demo got wrong results: ${wrong.join("; ")}`);
    } finally {
      await reader.close();
    }
  } finally {
    await svc.close();
    await producer.disconnect();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    await admin.deleteTopics({ topics: mine });
    await admin.disconnect();
  }
}

/**
 * addsvc's Kafka wiring, as serveAddEvents (src/generated/add-events/add-events.serve.ts) does it, on the topics `<prefix>.sum-requested` and
 * `<prefix>.sum-computed`.
 *
 * @param kafka - the client
 * @param endpoints - addsvc's endpoints
 * @param prefix - the topics' prefix
 * @param errorHandler - gets the subscriber's errors; default none
 */
export async function serveKafka(kafka: Kafka, endpoints: AddEndpoints, prefix: string, errorHandler: ErrorHandler = { handle: () => undefined }) {
  const names = { requests: `${prefix}.sum-requested`, results: `${prefix}.sum-computed` };
  await Promise.all([requests.kafkaTopics(kafka, { prefix }, 3), results.kafkaTopics(kafka, { prefix }, 3)]);
  const publish = await results.kafkaTransport(kafka, { prefix, keys: { sumComputed: (event) => event.id } });
  const handler = eventEndpoints(sumEvents(endpoints.sum, addResultsClient(publish)));
  const sub = await requests.kafkaSubscribers(kafka, handler, { prefix, groups: { sumRequested: `${prefix}.sum` }, subscriber: { fromBeginning: true, errorHandler } });
  return { ...names, close: () => sub.close().then(() => publish.close()) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await demoKafka((process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(","), (line) => {
    console.log(line);
  });
}
