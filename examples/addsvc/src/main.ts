// addsvc's entry point, Go kit's cmd/addsvc (`node src/main.ts --help`): HTTP and gRPC (app.ts),
// JSON-RPC and each broker it is given on kitgen's transports, logfmt to stdout; on SIGINT or
// SIGTERM it finishes what is in flight and exits 0.
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { SQSClient } from "@aws-sdk/client-sqs";
import * as log from "@kit/log";
import { logErrorHandler, whenReady } from "@kit/transport";
import { connect as connectAmqp } from "@kit/transport-amqp";
import { listen } from "@kit/transport-http";
import { Svcm } from "@nats-io/services";
import { connect as connectNats } from "@nats-io/transport-node";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { Kafka, logLevel } from "kafkajs";
import { connect as connectMqtt } from "mqtt";
import { createClient as createRedisClient } from "redis";
import { parseAddr, start } from "./app.ts";
import { sumEvents } from "./events.ts";
import { makeEndpoints as eventEndpoints } from "./generated/add-events/add-events.endpoints.ts";
import * as kafkaEvents from "./generated/add-events/add-events.kafka.ts";
import * as sqsEvents from "./generated/add-events/add-events.sqs.ts";
import { addResultsClient } from "./generated/add-results/add-results.endpoints.ts";
import * as kafkaResults from "./generated/add-results/add-results.kafka.ts";
import * as sqsResults from "./generated/add-results/add-results.sqs.ts";
import { amqpSubscribers, amqpTopology } from "./generated/add.amqp.ts";
import { jsonRpcHandler } from "./generated/add.jsonrpc.ts";
import { mqttSubscribers } from "./generated/add.mqtt.ts";
import { natsService } from "./generated/add.nats.ts";
import { redisSubscribers } from "./generated/add.redis.ts";

const flags = ["http-addr", "grpc-addr", "jsonrpc-addr", "nats-url", "amqp-url", "mqtt-url", "mqtt-client-id", "redis-url", "kafka-brokers", "sqs-endpoint", "zipkin-url"] as const;
const usage = `usage: node src/main.ts ${flags.map((flag) => `[--${flag} …]`).join(" ")}
  A flag's default is its environment variable's (NATS_URL for --nats-url), else HTTP on 127.0.0.1:8081,
  gRPC on 127.0.0.1:8082, the MQTT client id addsvc-<hostname>-<HTTP port>, and no JSON-RPC (Go kit's
  port: 8084), broker or Zipkin spans URL (such as http://127.0.0.1:9411/api/v2/spans).`;
const logger = log.with(log.logfmtLogger(process.stdout), "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);
let values: Partial<Record<(typeof flags)[number], string>> & { help?: boolean } = {};
const option = (flag: (typeof flags)[number]): string | undefined => values[flag] ?? process.env[flag.toUpperCase().replaceAll("-", "_")];
let [http, grpc] = [{ host: "", port: 0 }, { host: "", port: 0 }];
try {
  const strings = Object.fromEntries(flags.map((flag) => [flag, { type: "string" as const }]));
  ({ values } = parseArgs({ options: { ...strings, help: { type: "boolean", short: "h" } } }));
  [http, grpc] = [parseAddr(option("http-addr") ?? "127.0.0.1:8081"), parseAddr(option("grpc-addr") ?? "127.0.0.1:8082")];
} catch (err) {
  logger.log("exit", err);
  console.error(usage);
  process.exit(2);
}
if (values.help === true) {
  console.log(usage);
  process.exit(0);
}

// Listen for the signals first, so one that comes while starting up still ends in a clean exit.
const signalled = new Promise<NodeJS.Signals>((resolve) => process.on("SIGINT", resolve).on("SIGTERM", resolve));
/** What to stop on the way out, last started first. */
const stops: (() => Promise<unknown>)[] = [];
/** Starts what `flag` asks for when given; what `serve` returns stops it. */
async function when(flag: (typeof flags)[number], serve: (value: string) => Promise<() => Promise<unknown>>): Promise<void> {
  const value = option(flag);
  if (value !== undefined) stops.push(await serve(value));
}
try {
  await when("zipkin-url", (url) => {
    const spanProcessors = [new BatchSpanProcessor(new ZipkinExporter({ url }), { scheduledDelayMillis: 500 })];
    const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ "service.name": "addsvc" }), spanProcessors });
    provider.register(); // the global tracer, W3C trace context and AsyncLocalStorage, which @kit/tracing uses
    return Promise.resolve(() => provider.shutdown());
  });
  const app = await start({ host: http.host, port: http.port, grpcHost: grpc.host, grpcPort: grpc.port, logger, tracing: option("zipkin-url") !== undefined });
  stops.push(() => app.close());
  const { endpoints } = app;
  const errorHandler = logErrorHandler(logger);
  const subscriber = { concurrency: 16, errorHandler, group: "addsvc" };
  await when("jsonrpc-addr", async (addr) => {
    const server = await listen(jsonRpcHandler(endpoints, { names: { sum: "sum", concat: "concat" }, errorHandler }), parseAddr(addr));
    logger.log("transport", "JSONRPC", "addr", server.addr);
    return () => server.close();
  });
  await when("nats-url", async (servers) => {
    const nc = await connectNats({ servers, name: "addsvc", maxReconnectAttempts: -1 }); // never gives up reconnecting
    const service = await new Svcm(nc).add({ name: "addsvc", version: "0.0.0", queue: "addsvc" });
    const served = await whenReady(natsService(nc, service, endpoints, { prefix: "addsvc", subscriber }));
    await nc.flush();
    logger.log("transport", "NATS", "subjects", "addsvc.sum,addsvc.concat", "service", "addsvc", "id", service.info().id);
    return () => service.stop().then(() => served.close()).then(() => nc.drain());
  });
  await when("amqp-url", async (url) => {
    const connection = await connectAmqp(url, { errorHandler }); // reconnects by itself
    await amqpTopology(connection, { prefix: "addsvc" });
    const served = await whenReady(amqpSubscribers(connection, endpoints, { prefix: "addsvc", subscriber }));
    logger.log("transport", "AMQP", "queues", "addsvc.sum,addsvc.concat");
    return () => served.close().then(() => connection.close());
  });
  await when("mqtt-url", async (url) => {
    // A persistent session of this instance's own, so requests wait while it restarts; subscribed in the same turn as connect.
    const clientId = option("mqtt-client-id") ?? `addsvc-${hostname()}-${String(http.port)}`;
    const client = connectMqtt(url, { protocolVersion: 5, clientId, clean: false, properties: { sessionExpiryInterval: 3600, receiveMaximum: 16 } });
    const served = await whenReady(mqttSubscribers(client, endpoints, { prefix: "addsvc", subscriber }));
    logger.log("transport", "MQTT", "topics", "addsvc/sum,addsvc/concat", "group", "addsvc");
    return () => served.close().then(() => client.endAsync());
  });
  await when("redis-url", async (url) => {
    const redis = createRedisClient({ url }).on("error", (err: Error) => {
      logger.log("transport", "Redis", "err", err.message); // it reconnects; an unheard error would end the process
    });
    await redis.connect();
    const served = await whenReady(redisSubscribers(redis, endpoints, { prefix: "addsvc", subscriber }));
    logger.log("transport", "Redis", "streams", "addsvc:sum,addsvc:concat", "group", "addsvc");
    return () => served.close().then(() => {
      redis.destroy();
    });
  });
  await when("kafka-brokers", async (brokers) => {
    const kafka = new Kafka({ clientId: "addsvc", brokers: brokers.split(","), logLevel: logLevel.ERROR });
    await Promise.all([kafkaEvents.kafkaTopics(kafka, { prefix: "addsvc" }, 3), kafkaResults.kafkaTopics(kafka, { prefix: "addsvc" }, 3)]);
    const results = await kafkaResults.kafkaTransport(kafka, { prefix: "addsvc", keys: { sumComputed: (event) => event.id } });
    const handler = eventEndpoints(sumEvents(endpoints.sum, addResultsClient(results)));
    const served = await kafkaEvents.kafkaSubscribers(kafka, handler, { prefix: "addsvc", groups: { sumRequested: "addsvc.sum" }, subscriber: { fromBeginning: true, errorHandler } });
    logger.log("transport", "Kafka", "topic", "addsvc.sum-requested", "results", "addsvc.sum-computed");
    return () => served.close().then(() => results.close());
  });
  await when("sqs-endpoint", async (endpoint) => {
    const client = new SQSClient({ endpoint });
    const [requests, resultQueues] = await Promise.all([sqsEvents.sqsCreateQueues(client, { prefix: "addsvc" }), sqsResults.sqsCreateQueues(client, { prefix: "addsvc" })]);
    const handler = eventEndpoints(sumEvents(endpoints.sum, addResultsClient(sqsResults.sqsTransport(client, resultQueues))));
    const served = await whenReady(sqsEvents.sqsSubscribers(client, requests, handler, { subscriber: { concurrency: 16, errorHandler } }));
    logger.log("transport", "SQS", "queue", requests.sumRequested, "results", resultQueues.sumComputed);
    return () => served.close().then(() => {
      client.destroy();
    });
  });
} catch (err) {
  logger.log("exit", err);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(1);
}

const signal = await signalled;
logger.log("msg", "shutting down", "signal", signal);
for (const stop of stops.reverse()) await stop();
logger.log("exit", signal);
