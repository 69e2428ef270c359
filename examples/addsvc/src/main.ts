// addsvc's entry point, Go kit's cmd/addsvc: `pnpm --filter addsvc start` (`node src/main.ts`).
//
//   node src/main.ts [--http-addr host:port] [--grpc-addr host:port] [--jsonrpc-addr host:port]
//                    [--nats-url url] [--amqp-url url] [--mqtt-url url] [--mqtt-client-id id] [--redis-url url]
//                    [--kafka-brokers h:p,…] [--sqs-endpoint url] [--zipkin-url url]
//
// Serves HTTP on 127.0.0.1:8081 (Prometheus metrics at /metrics) and gRPC on 127.0.0.1:8082
// unless told otherwise; JSON-RPC when given an address (flag or JSONRPC_ADDR; Go kit's is
// :8084); with a broker's address (flag or NATS_URL, AMQP_URL, MQTT_URL, REDIS_URL,
// KAFKA_BROKERS, SQS_ENDPOINT), serves over that broker too. With a Zipkin spans URL (flag or ZIPKIN_URL), traces
// every HTTP call and endpoint call there, as Go kit's addsvc does with -zipkin-url. Logs logfmt to stdout, and on SIGINT or SIGTERM
// stops taking work, finishes what is in flight and exits 0.
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { SQSClient } from "@aws-sdk/client-sqs";
import * as log from "@kit/log";
import { logErrorHandler } from "@kit/transport";
import { connect as connectAmqp } from "@kit/transport-amqp";
import { connect as connectNats } from "@nats-io/transport-node";
import { Kafka, logLevel } from "kafkajs";
import { connect as connectMqtt } from "mqtt";
import { createClient as createRedisClient } from "redis";
import { parseAddr, start } from "./app.ts";
import { serveAmqp } from "./amqp.ts";
import { serveJsonRpc } from "./jsonrpc.ts";
import { serveKafka } from "./kafka.ts";
import { serveMqtt } from "./mqtt.ts";
import { serveNats } from "./nats.ts";
import { serveRedis } from "./redis.ts";
import { createSqsQueues, serveSqs } from "./sqs.ts";
import { traceToZipkin } from "./zipkin.ts";

const usage = `usage: node src/main.ts [--http-addr host:port] [--grpc-addr host:port] [--jsonrpc-addr host:port]
                         [--nats-url url] [--amqp-url url] [--mqtt-url url] [--mqtt-client-id id] [--redis-url url]
                         [--kafka-brokers host:port,…] [--sqs-endpoint url] [--zipkin-url url]
  defaults: HTTP_ADDR or 127.0.0.1:8081, GRPC_ADDR or 127.0.0.1:8082; JSON-RPC is served only when given
  (or JSONRPC_ADDR is set), and a broker only when given (or NATS_URL, AMQP_URL, MQTT_URL, REDIS_URL,
  KAFKA_BROKERS, SQS_ENDPOINT is set); the MQTT session's client id is MQTT_CLIENT_ID or
  addsvc-<hostname>-<HTTP port>; traces go to Zipkin's spans API
  (such as http://127.0.0.1:9411/api/v2/spans) only when given (or ZIPKIN_URL is set)`;

let logger = log.logfmtLogger(process.stdout);
logger = log.with(logger, "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);

const flags = ["http-addr", "grpc-addr", "jsonrpc-addr", "nats-url", "amqp-url", "mqtt-url", "mqtt-client-id", "redis-url", "kafka-brokers", "sqs-endpoint", "zipkin-url"] as const;
let values: Partial<Record<(typeof flags)[number], string>> & { help?: boolean };
try {
  ({ values } = parseArgs({
    options: { ...Object.fromEntries(flags.map((flag) => [flag, { type: "string" }])), help: { type: "boolean", short: "h" } },
  }) as { values: typeof values });
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help === true) {
  console.log(usage);
  process.exit(0);
}
/** A flag's value, else its environment variable's (`--nats-url`: `NATS_URL`). */
function option(flag: (typeof flags)[number]): string | undefined {
  return values[flag] ?? process.env[flag.toUpperCase().replaceAll("-", "_")];
}
const [natsUrl, amqpUrl, mqttUrl, redisUrl, kafkaBrokers, sqsEndpoint, zipkinUrl] = (["nats-url", "amqp-url", "mqtt-url", "redis-url", "kafka-brokers", "sqs-endpoint", "zipkin-url"] as const).map(option);

let http: { host: string; port: number };
let grpc: { host: string; port: number };
let jsonrpc: { host: string; port: number } | undefined;
try {
  http = parseAddr(option("http-addr") ?? "127.0.0.1:8081");
  grpc = parseAddr(option("grpc-addr") ?? "127.0.0.1:8082");
  const jsonrpcAddr = option("jsonrpc-addr");
  if (jsonrpcAddr !== undefined) jsonrpc = parseAddr(jsonrpcAddr);
} catch (err) {
  logger.log("exit", err);
  process.exit(2);
}

// Listen for the signals first, so one that comes while starting up still ends in a clean exit.
// Later signals change nothing: runners such as pnpm pass a Ctrl-C on, so the process gets
// SIGINT twice, and the shutdown is bounded by the transports' grace periods anyway.
const signalled = new Promise<NodeJS.Signals>((resolve) => {
  process.on("SIGINT", resolve);
  process.on("SIGTERM", resolve);
});

/** What to stop on the way out, last started first. */
const stops: (() => Promise<unknown>)[] = [];
try {
  if (zipkinUrl !== undefined) stops.push(traceToZipkin(zipkinUrl));
  const tracing = zipkinUrl !== undefined;
  const app = await start({ host: http.host, port: http.port, grpcHost: grpc.host, grpcPort: grpc.port, logger, tracing });
  stops.push(() => app.close());
  const { endpoints } = app;
  if (jsonrpc !== undefined) {
    const server = await serveJsonRpc(endpoints, { ...jsonrpc, logger });
    stops.push(() => server.close());
  }
  if (natsUrl !== undefined) {
    const nc = await connectNats({ servers: natsUrl, name: "addsvc", maxReconnectAttempts: -1 }); // a service never gives up reconnecting
    stops.push(() => nc.drain());
    const server = await serveNats(nc, endpoints, { logger });
    stops.push(() => server.close());
  }
  if (amqpUrl !== undefined) {
    const connection = await connectAmqp(amqpUrl, { errorHandler: logErrorHandler(logger) }); // reconnects by itself
    stops.push(() => connection.close());
    const server = await serveAmqp(connection, endpoints, { logger });
    stops.push(() => server.close());
  }
  if (mqttUrl !== undefined) {
    // A persistent session under a client id of this instance's own, so requests wait while it restarts.
    const client = connectMqtt(mqttUrl, {
      protocolVersion: 5,
      clientId: option("mqtt-client-id") ?? `addsvc-${hostname()}-${String(http.port)}`,
      clean: false,
      properties: { sessionExpiryInterval: 3600, receiveMaximum: 16 },
    });
    stops.push(() => client.endAsync());
    const server = await serveMqtt(client, endpoints, { logger }); // in the same turn as connect: see serveMqtt
    stops.push(() => server.close());
  }
  if (redisUrl !== undefined) {
    const redis = createRedisClient({ url: redisUrl });
    redis.on("error", (err: Error) => {
      logger.log("transport", "Redis", "err", err.message); // node-redis reconnects; without a listener it would end the process
    });
    await redis.connect();
    stops.push(() => {
      redis.destroy();
      return Promise.resolve();
    });
    const server = await serveRedis(redis, endpoints, { logger });
    stops.push(() => server.close());
  }
  if (kafkaBrokers !== undefined) {
    const kafka = new Kafka({ clientId: "addsvc", brokers: kafkaBrokers.split(","), logLevel: logLevel.ERROR });
    const server = await serveKafka(kafka, endpoints, { logger });
    stops.push(() => server.close());
  }
  if (sqsEndpoint !== undefined) {
    const client = new SQSClient({ endpoint: sqsEndpoint });
    stops.push(() => {
      client.destroy();
      return Promise.resolve();
    });
    const server = serveSqs(client, endpoints, { logger, queues: await createSqsQueues(client) });
    stops.push(() => server.close());
  }
} catch (err) {
  logger.log("exit", err);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(1);
}

const signal = await signalled;
logger.log("msg", "shutting down", "signal", signal);
for (const stop of stops.reverse()) await stop();
logger.log("exit", signal);
