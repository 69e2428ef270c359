// addsvc's entry point, Go kit's cmd/addsvc (`node src/main.ts --help`): kitgen's runAdd reads the flags (or their
// environment variables), start() (app.ts) serves each transport given, and Sum's events (events.ts) are answered
// on the Kafka or SQS they came from. It logs logfmt to stdout; SIGINT or SIGTERM finishes what is in flight, exit 0.
import * as log from "@kit/log";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { start } from "./app.ts";
import { sumEvents } from "./events.ts";
import { makeEndpoints } from "./generated/add-events/add-events.endpoints.ts";
import { serveAddEvents, type AddEventsEndpointsOn } from "./generated/add-events/add-events.serve.ts";
import { addResultsClient } from "./generated/add-results/add-results.endpoints.ts";
import { addResultsTransportOn } from "./generated/add-results/add-results.serve.ts";
import { runAdd } from "./generated/add.run.ts";

const logger = log.with(log.logfmtLogger(process.stdout), "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);
await runAdd({
  logger,
  defaults: { "http-addr": "127.0.0.1:8081", "grpc-addr": "127.0.0.1:8082" }, // Go kit's ports; JSON-RPC's, off unless given, is 8084
  flags: { "kafka-brokers": "Kafka's brokers, for Sum's events", "sqs-endpoint": "SQS's endpoint, for Sum's events", "zipkin-url": "Zipkin's spans URL, such as http://127.0.0.1:9411/api/v2/spans" },
  async start(options, flag, defer) {
    const url = flag("zipkin-url");
    if (url !== undefined) {
      const spanProcessors = [new BatchSpanProcessor(new ZipkinExporter({ url }), { scheduledDelayMillis: 500 })];
      const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ "service.name": "addsvc" }), spanProcessors });
      provider.register(); // the global tracer, W3C trace context and AsyncLocalStorage, which @kit/tracing uses
      defer(() => provider.shutdown());
    }
    const app = await start({ ...options, logger, tracing: url !== undefined });
    defer(app.close);
    const results = { prefix: "addsvc", kafkaOptions: { keys: { sumComputed: (event: { id: string }) => event.id } }, kafkaPartitions: 3 };
    const sums: AddEventsEndpointsOn = async (on, defer) => makeEndpoints(sumEvents(app.endpoints.sum, addResultsClient(await addResultsTransportOn(on, defer, results))));
    const kafkaOptions = { groups: { sumRequested: "addsvc.sum" }, subscriber: { fromBeginning: true } };
    const events = await serveAddEvents(sums, { logger, prefix: "addsvc", concurrency: 16, kafka: flag("kafka-brokers"), kafkaOptions, kafkaPartitions: 3, sqs: flag("sqs-endpoint") });
    defer(() => events.close());
  },
});
