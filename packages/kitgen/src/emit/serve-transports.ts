import type { Service } from "../model.ts";
import { baseName, kebab } from "../names.ts";
import { importFrom } from "./header.ts";
import { isEvent, namesConstName } from "./message-parts.ts";

/** How `serve<Service>` starts one transport: what it imports, its options, its connection and its start function. */
export interface ServeTransport {
  /** The transport's id, a kitgen `--transports` name: `nats`. */
  readonly id: string;
  /** The command-line flag of its address or URL, Go kit addsvc's name: `nats-url`. */
  readonly flag: string;
  /** The flag's help, for the usage. */
  readonly help: string;
  /** Import lines of packages, as `[module, what]`. */
  readonly packages: readonly (readonly [string, string])[];
  /** Import lines of the generated files beside it, as `[file suffix, what]`. */
  readonly generated: readonly (readonly [string, string])[];
  /** The option fields of `<Base>ServeOptions`, given the service. */
  readonly options: (service: Service) => string;
  /** The member of `<Base>Connection`, given the service. */
  readonly connection: string;
  /** Whether its start function returns the address it listens on (`addrs`). */
  readonly listens?: true;
  /** Whether its start function logs the methods' names, from the names' record of its generated file. */
  readonly named?: true;
  /** More flags it reads, as `[flag, option, help]`. */
  readonly moreFlags?: readonly (readonly [string, string, string])[];
  /** Whether its start function waits for its subscribers with `whenReady`. */
  readonly waits?: true;
  /** Its part of `<service>TransportOn`, for a service whose methods are all events. */
  readonly client?: ServeClient;
  /** The start function, `start<Id>(value, start)`, given the service and the ids of the transports chosen. */
  readonly start: (service: Service, ids: readonly string[]) => string;
}

/**
 * A transport's part of `<service>TransportOn`: the client endpoints of a service whose methods
 * are all events, on the connection another service's `serve` opened.
 */
export interface ServeClient {
  /** The statements for its connection, `connection`, under `prefix`, what to close given to `defer`. */
  readonly statements: string;
  /** What the generated file must export for them. */
  readonly imports: string;
  /** Whether the statements await. */
  readonly awaits?: true;
  /** Whether the statements give `defer` something to close. */
  readonly defers?: true;
}

/** The name of the start function of transport `id`. */
export function startName(id: string): string {
  return `start${id === "jsonrpc" ? "JsonRpc" : `${id.charAt(0).toUpperCase()}${id.slice(1)}`}`;
}

/** `listen(served, …)` on the `host:port` in `value`, its close deferred, its address logged and returned. */
function listener(label: string, listen: string, served: string): string {
  return `  const listening = await ${listen}(${served}, start.listenOn(value));
  start.defer(() => listening.close());
  start.logger.log("transport", "${label}", "addr", listening.addr);
  return listening.addr;`;
}

/** The log line's value: each method's name under the prefix, comma-separated. */
function names(service: Service, id: string): string {
  return `start.namesOf(${namesConstName(service, id)})`;
}

const http: ServeTransport = {
  id: "http",
  flag: "http-addr",
  help: "HTTP's host:port",
  packages: [["@kit/transport-http", "listen"]],
  generated: [["http", "httpHandler, type HttpHandlerOptions"]],
  options: () => `  /** HTTP's \`host:port\` (\`:8080\` is \`127.0.0.1:8080\`; port 0 picks a free one): the generated \`httpHandler\`. */
  readonly http?: string | undefined;
  /** Options of \`httpHandler\`, over the error handler. */
  readonly httpOptions?: HttpHandlerOptions;`,
  connection: "http",
  listens: true,
  start: () => `
/** Serves \`httpHandler\` on \`value\`, a \`host:port\`. */
async function startHttp(value: string, start: Start): Promise<string> {
  const handler = httpHandler(await start.endpointsOn({ transport: "http" }), { ...start.handling, ...start.options.httpOptions });
${listener("HTTP", "listen", "handler")}
}
`,
};

const grpc: ServeTransport = {
  id: "grpc",
  flag: "grpc-addr",
  help: "gRPC's host:port",
  packages: [
    ["@grpc/grpc-js", "Server"],
    ["@kit/transport-grpc", "listen as listenGrpc"],
  ],
  generated: [["grpc", "grpcServe, type GrpcServeOptions"]],
  options: () => `  /** gRPC's \`host:port\`: the generated \`grpcServe\` on a server of its own. */
  readonly grpc?: string | undefined;
  /** Options of \`grpcServe\`, over the error handler. */
  readonly grpcOptions?: GrpcServeOptions;
  /** Adds more services to the gRPC server before it listens (other interfaces' \`grpcServe\`), given the error handler. */
  readonly grpcServices?: (server: Server, handling: { readonly errorHandler?: ErrorHandler }) => void;`,
  connection: "grpc",
  listens: true,
  start: () => `
/** Serves \`grpcServe\`, and \`grpcServices\`, on \`value\`, a \`host:port\`. */
async function startGrpc(value: string, start: Start): Promise<string> {
  const server = new Server();
  grpcServe(server, await start.endpointsOn({ transport: "grpc" }), { ...start.handling, ...start.options.grpcOptions });
  start.options.grpcServices?.(server, start.handling);
${listener("gRPC", "listenGrpc", "server")}
}
`,
};

const jsonrpc: ServeTransport = {
  id: "jsonrpc",
  flag: "jsonrpc-addr",
  help: "JSON-RPC's host:port (HTTP POST on any path)",
  packages: [["@kit/transport-http", "listen"]],
  generated: [["jsonrpc", "jsonRpcHandler, type JsonRpcHandlerOptions"]],
  options: () => `  /** JSON-RPC's \`host:port\`: the generated \`jsonRpcHandler\`. */
  readonly jsonrpc?: string | undefined;
  /** Options of \`jsonRpcHandler\` (method names, say), over the error handler. */
  readonly jsonRpcOptions?: JsonRpcHandlerOptions;`,
  connection: "jsonrpc",
  listens: true,
  start: () => `
/** Serves \`jsonRpcHandler\` on \`value\`, a \`host:port\`. */
async function startJsonRpc(value: string, start: Start): Promise<string> {
  const handler = jsonRpcHandler(await start.endpointsOn({ transport: "jsonrpc" }), { ...start.handling, ...start.options.jsonRpcOptions });
${listener("JSONRPC", "listen", "handler")}
}
`,
};

const nats: ServeTransport = {
  id: "nats",
  flag: "nats-url",
  help: "the NATS servers, such as nats://127.0.0.1:4222",
  packages: [
    ["@nats-io/services", "Svcm"],
    ["@nats-io/transport-node", "connect as connectNats"],
  ],
  generated: [["nats", "natsService, type NatsConnection"]],
  options: () => `  /** The NATS servers: the methods as the NATS service \`prefix\` (\`natsService\`), its queue group \`prefix\`, on a connection that never gives up reconnecting. */
  readonly nats?: string | undefined;
  /** The NATS service's version; default \`0.0.0\`. */
  readonly natsVersion?: string;`,
  named: true,
  client: { statements: `      return natsTransport(connection.nats, { prefix });`, imports: "natsTransport" },
  waits: true,
  connection: `{ readonly transport: "nats"; readonly nats: NatsConnection }`,
  start: (service) => `
/** Serves the methods as a NATS service on \`value\`, the servers; stops the service before its subscribers, then drains. */
async function startNats(value: string, start: Start): Promise<void> {
  const nc = await connectNats({ servers: value.split(","), name: start.prefix, maxReconnectAttempts: -1 }); // never gives up reconnecting
  start.defer(() => nc.drain());
  const service = await new Svcm(nc).add({ name: start.prefix, version: start.options.natsVersion ?? "0.0.0", queue: start.prefix });
  const served = natsService(nc, service, await start.endpointsOn({ transport: "nats", nats: nc }), { prefix: start.prefix, subscriber: start.subscriber });
  start.defer(() => service.stop().then(() => served.close()));
  await whenReady(served);
  await nc.flush();
  start.logger.log("transport", "NATS", "subjects", ${names(service, "nats")}, "service", start.prefix, "id", service.info().id);
}
`,
};

const amqp: ServeTransport = {
  id: "amqp",
  flag: "amqp-url",
  help: "RabbitMQ's URL, such as amqp://guest:guest@127.0.0.1:5672",
  packages: [["@kit/transport-amqp", "connect as connectAmqp"]],
  generated: [["amqp", "amqpSubscribers, amqpTopology, type AmqpConnection"]],
  options: () => `  /** RabbitMQ's URL: each method's queue with its retry and dead-letter queues, on \`@kit/transport-amqp\`'s reconnecting \`connect\`. */
  readonly amqp?: string | undefined;`,
  named: true,
  client: { statements: `      return amqpTransport(connection.amqp, { prefix });`, imports: "amqpTransport" },
  waits: true,
  connection: `{ readonly transport: "amqp"; readonly amqp: AmqpConnection }`,
  start: (service) => `
/** Serves the methods on their queues at \`value\`, RabbitMQ's URL, declaring them first. */
async function startAmqp(value: string, start: Start): Promise<void> {
  const connection = await connectAmqp(value, start.handling); // reconnects by itself, declaring the queues again
  start.defer(() => connection.close());
  await amqpTopology(connection, { prefix: start.prefix });
  const served = amqpSubscribers(connection, await start.endpointsOn({ transport: "amqp", amqp: connection }), { prefix: start.prefix, subscriber: start.subscriber });
  start.defer(() => served.close());
  await whenReady(served);
  start.logger.log("transport", "AMQP", "queues", ${names(service, "amqp")});
}
`,
};

const mqtt: ServeTransport = {
  id: "mqtt",
  flag: "mqtt-url",
  help: "the MQTT broker's URL, such as mqtt://127.0.0.1:1883",
  packages: [
    ["node:os", "hostname"],
    ["mqtt", "connect as connectMqtt"],
  ],
  generated: [["mqtt", "mqttSubscribers, type MqttConnection"]],
  options: () => `  /** The MQTT broker's URL: MQTT 5, each method's topic in the shared subscription \`prefix\`, QoS 1 on a persistent session, so requests wait while the service restarts. */
  readonly mqtt?: string | undefined;
  /** The persistent session's client id, one per instance; default \`<prefix>-<hostname>-<HTTP port>\` (without the port when HTTP is not served). */
  readonly mqttClientId?: string | undefined;`,
  named: true,
  client: { statements: `      return mqttTransport(connection.mqtt, { prefix });`, imports: "mqttTransport" },
  waits: true,
  connection: `{ readonly transport: "mqtt"; readonly mqtt: MqttConnection }`,
  moreFlags: [["mqtt-client-id", "mqttClientId", "the MQTT session's client id (default <prefix>-<hostname>-<HTTP port>)"]],
  start: (service, ids) => `
/** Serves the methods on their topics at \`value\`, the broker's URL; connects once they are subscribed, so no request of the session is missed. */
async function startMqtt(value: string, start: Start): Promise<void> {
  const port = ${ids.includes("http") ? "start.options.http === undefined ? \"\" : `-${String(start.listenOn(start.options.http).port)}`" : '""'};
  const clientId = start.options.mqttClientId ?? \`\${start.prefix}-\${hostname()}\${port}\`;
  const properties = { sessionExpiryInterval: 3600, receiveMaximum: start.options.concurrency ?? 16 };
  const client = connectMqtt(value, { protocolVersion: 5, clientId, clean: false, properties, manualConnect: true });
  start.defer(() => client.endAsync());
  const served = mqttSubscribers(client, await start.endpointsOn({ transport: "mqtt", mqtt: client }), { prefix: start.prefix, subscriber: { group: start.prefix, ...start.subscriber } });
  start.defer(() => served.close());
  client.connect();
  await whenReady(served);
  start.logger.log("transport", "MQTT", "topics", ${names(service, "mqtt")}, "group", start.prefix);
}
`,
};

const redis: ServeTransport = {
  id: "redis",
  flag: "redis-url",
  help: "Redis's URL, such as redis://127.0.0.1:6379",
  packages: [["redis", "createClient as createRedisClient"]],
  generated: [["redis", "redisSubscribers, type RedisConnection"]],
  options: () => `  /** Redis's URL: each method's stream in the consumer group \`prefix\`; a connection error is logged, not thrown (the client reconnects). */
  readonly redis?: string | undefined;`,
  named: true,
  client: { statements: `      return redisTransport(connection.redis, { prefix });`, imports: "redisTransport" },
  waits: true,
  connection: `{ readonly transport: "redis"; readonly redis: RedisConnection }`,
  start: (service) => `
/** Serves the methods on their streams at \`value\`, Redis's URL. */
async function startRedis(value: string, start: Start): Promise<void> {
  const redis = createRedisClient({ url: value }).on("error", (err: Error) => {
    start.logger.log("transport", "Redis", "err", err.message); // it reconnects; an unheard error would end the process
  });
  await redis.connect();
  start.defer(() => {
    redis.destroy();
    return Promise.resolve();
  });
  const served = redisSubscribers(redis, await start.endpointsOn({ transport: "redis", redis }), { prefix: start.prefix, subscriber: { group: start.prefix, ...start.subscriber } });
  start.defer(() => served.close());
  await whenReady(served);
  start.logger.log("transport", "Redis", "streams", ${names(service, "redis")}, "group", start.prefix);
}
`,
};

const kafka: ServeTransport = {
  id: "kafka",
  flag: "kafka-brokers",
  help: "Kafka's brokers, comma-separated host:port",
  packages: [["kafkajs", "Kafka, logLevel"]],
  generated: [["kafka", "kafkaSubscribers, kafkaTopics, type KafkaOptions"]],
  options: () => `  /** Kafka's brokers, comma-separated \`host:port\`: each method's topic, created when missing. */
  readonly kafka?: string | undefined;
  /** Options of \`kafkaSubscribers\` (consumer groups, say), under \`prefix\`. */
  readonly kafkaOptions?: KafkaOptions;
  /** The partitions of a topic it creates; default 1. */
  readonly kafkaPartitions?: number;`,
  named: true,
  client: {
    statements: `      await kafkaTopics(connection.kafka, { ...options.kafkaOptions, prefix }, options.kafkaPartitions ?? 1);
      const transport = await kafkaTransport(connection.kafka, { ...options.kafkaOptions, prefix });
      defer(() => transport.close());
      return transport;`,
    imports: "kafkaTransport",
    awaits: true,
    defers: true,
  },
  connection: `{ readonly transport: "kafka"; readonly kafka: Kafka }`,
  start: (service) => `
/** Serves the methods on their topics at \`value\`, the brokers, creating the topics first. */
async function startKafka(value: string, start: Start): Promise<void> {
  const kafka = new Kafka({ clientId: start.prefix, brokers: value.split(","), logLevel: logLevel.ERROR });
  const given = start.options.kafkaOptions;
  const options: KafkaOptions = { ...given, prefix: start.prefix, subscriber: { ...start.subscriber, ...given?.subscriber } };
  await kafkaTopics(kafka, options, start.options.kafkaPartitions ?? 1);
  const served = await kafkaSubscribers(kafka, await start.endpointsOn({ transport: "kafka", kafka }), options);
  start.defer(() => served.close());
  start.logger.log("transport", "Kafka", "topics", ${names(service, "kafka")});
}
`,
};

const sqs: ServeTransport = {
  id: "sqs",
  flag: "sqs-endpoint",
  help: "SQS's endpoint, such as http://127.0.0.1:9324",
  packages: [["@aws-sdk/client-sqs", "SQSClient, type SQSClientConfig"]],
  generated: [["sqs", "sqsCreateQueues, sqsSubscribers"]],
  options: () => `  /** SQS's endpoint URL: each method's queue with its dead letter, created when missing. */
  readonly sqs?: string | undefined;
  /** The \`SQSClient\`'s configuration (region, credentials, retries), over the endpoint; without it they are the AWS SDK's, from the environment. */
  readonly sqsConfig?: SQSClientConfig;`,
  client: {
    statements: `      const queues = await sqsCreateQueues(connection.sqs, { prefix });
      return sqsTransport(connection.sqs, queues);`,
    imports: "sqsTransport",
    awaits: true,
  },
  waits: true,
  connection: `{ readonly transport: "sqs"; readonly sqs: SQSClient }`,
  start: () => `
/** Serves the methods on their queues at \`value\`, the endpoint, creating the queues first. */
async function startSqs(value: string, start: Start): Promise<void> {
  const client = new SQSClient({ endpoint: value, ...start.options.sqsConfig });
  start.defer(() => {
    client.destroy();
    return Promise.resolve();
  });
  const queues = await sqsCreateQueues(client, { prefix: start.prefix });
  const served = sqsSubscribers(client, queues, await start.endpointsOn({ transport: "sqs", sqs: client }), { subscriber: start.subscriber });
  start.defer(() => served.close());
  await whenReady(served);
  start.logger.log("transport", "SQS", "queues", Object.values(queues).join(","));
}
`,
};

/** The transports `serve<Service>` starts, in the order it starts them. */
export const serveTransports: readonly ServeTransport[] = [http, grpc, jsonrpc, nats, amqp, mqtt, redis, kafka, sqs];

/** The generated import lines of the transports in `chosen`, beside the endpoints' file. */
export function generatedImports(service: Service, chosen: readonly ServeTransport[]): string[] {
  const file = kebab(baseName(service.name));
  const clients = publishesOnly(service);
  return chosen.flatMap((t) =>
    t.generated.map(([suffix, what]) => {
      const names = t.named === true ? `${namesConstName(service, t.id)}, ` : "";
      const client = clients && t.client !== undefined ? `${t.client.imports}, ` : "";
      return importFrom(`{ ${names}${client}${what} }`, `./${file}.${suffix}.ts`);
    }),
  );
}

/** Whether every method of `service` is an event, so its client needs no reply stream: it gets `<service>TransportOn`. */
export function publishesOnly(service: Service): boolean {
  return service.methods.every(isEvent);
}
