// The SQS part of the addsvc demo: needs an SQS-compatible server (`bash scripts/services.sh
// start` runs ElasticMQ on 127.0.0.1:9324). Runs on its own with `node src/demo-sqs.ts`
// (SQS_ENDPOINT overrides the address).
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { DeleteQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import * as log from "@kit/log";
import { memory } from "@kit/metrics";
import { decodeJSONMessage, encodeJSONMessage } from "@kit/transport";
import { publisher, subscriber } from "@kit/transport-sqs";
import { makeEndpoints } from "./generated/add.endpoints.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { sumEvents } from "./events.ts";
import { makeEndpoints as eventEndpoints, type SumRequestedRequest as SumRequested } from "./generated/add-events/add-events.endpoints.ts";
import * as requests from "./generated/add-events/add-events.sqs.ts";
import { addResultsClient, type SumComputedRequest as SumComputed } from "./generated/add-results/add-results.endpoints.ts";
import * as results from "./generated/add-results/add-results.sqs.ts";
import { newBasicService } from "./service.ts";

/**
 * Shows addsvc over SQS: serves Sum on queues of its own, sends a few "sum requested" events
 * (one of them a business error), reads the "sum computed" events, prints each, and throws when
 * a result is wrong or missing. Deletes its queues at the end.
 *
 * @param endpoint - the SQS endpoint, such as `"http://127.0.0.1:9324"`
 * @param print - gets each line to show
 */
export async function demoSqs(endpoint: string, print: (line: string) => void): Promise<void> {
  const client = new SQSClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "demo", secretAccessKey: "demo" } });
  const prefix = `addsvc-demo-${randomUUID().slice(0, 8)}`;
  const [{ sumRequested }, { sumComputed }] = await Promise.all([requests.sqsCreateQueues(client, { prefix }), results.sqsCreateQueues(client, { prefix })]);
  const queues = { requests: sumRequested, results: sumComputed };
  const endpoints = withMiddleware(makeEndpoints(newBasicService()), { logger: log.nop(), metrics: memory() });
  const handler = eventEndpoints(sumEvents(endpoints.sum, addResultsClient(results.sqsTransport(client, { sumComputed }))));
  const server = requests.sqsSubscribers(client, { sumRequested }, handler, { subscriber: { waitTimeSeconds: 1, errorHandler: { handle: () => undefined } } });
  const computed = new Map<string, SumComputed>();
  const collect: Endpoint<SumComputed, undefined> = (_ctx, event) => {
    computed.set(event.id, event);
    return Promise.resolve(undefined);
  };
  const reader = subscriber(client, queues.results, collect, decodeJSONMessage<SumComputed>(), encodeJSONMessage, {
    waitTimeSeconds: 1,
  });
  try {
    print(`addsvc consumes ${queues.requests} and sends results to ${queues.results}`);
    const requested: (SumRequested & { want: SumComputed })[] = [
      { id: "1", a: 2, b: 3, want: { id: "1", v: 5 } },
      { id: "2", a: 40, b: 2, want: { id: "2", v: 42 } },
      { id: "3", a: 0, b: 0, want: { id: "3", error: { code: "invalid_argument", message: "can't sum two zeroes" } } },
    ];
    const request = publisher<SumRequested>(client, queues.requests, encodeJSONMessage, undefined);
    const [ctx, cancel] = withTimeout(background(), 30_000);
    try {
      for (const { id, a, b } of requested) {
        await request(ctx, { id, a, b });
        print(`  → sum-requested ${JSON.stringify({ id, a, b })}`);
      }
      const deadline = Date.now() + 30_000;
      while (computed.size < requested.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      cancel();
    }
    for (const { id, want } of requested) {
      const got = computed.get(id);
      print(`  ← sum-computed ${JSON.stringify(got)}`);
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`sum-computed for ${id}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  } finally {
    await reader.close();
    await server.close();
    const all = [sumRequested, sumComputed].flatMap((url) => [url, `${url}-dead-letter`]);
    await Promise.all(all.map((QueueUrl: string) => client.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined)));
    client.destroy();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await demoSqs(process.env.SQS_ENDPOINT ?? "http://127.0.0.1:9324", (line) => {
    console.log(line);
  });
}
