import type { Method, Service } from "../model.ts";
import { baseName, camel } from "../names.ts";
import { importFrom } from "./header.ts";
import {
  decodersOption,
  endpointsImport,
  isEvent,
  nameFunction,
  namesConst,
  namesOption,
  requestDecoder,
  requestsType,
  responseEncoder,
  schemaImports,
} from "./message-parts.ts";
import { schemaName } from "./validators.ts";

function imports(service: Service, head: string): string {
  const replies = service.methods.some((m) => !isEvent(m));
  const events = service.methods.some(isEvent);
  const kit = ["atLeastOnceProducer", "createTopics", ...(events ? ["publisher"] : []), ...(replies ? ["requester"] : []), "subscriber", "type KafkaSubscriberOptions"];
  return [
    head,
    importFrom("{ decodeJSONMessage, encodeJSONMessage, startAll, subscriberGroup, type DecodeMessage, type PublisherOptions, type Subscriber }", "@kit/transport"),
    importFrom(`{ ${kit.join(", ")} }`, "@kit/transport-kafka"),
    importFrom("{ type ConsumerConfig, type Kafka }", "kafkajs"),
    endpointsImport(service),
    schemaImports(service),
    "",
  ].join("\n");
}

function declarations(service: Service): string {
  const base = baseName(service.name);
  const replies = service.methods.some((m) => !isEvent(m));
  return `${namesConst(service, { id: "kafka", noun: "topic", separator: "." })}
${requestsType(service)}
/** Options for the kafka subscribers and transport. */
export interface KafkaOptions {
${namesOption(service, "topic")}
  /** Replaces the consumer group of some methods' subscribers (default: the method's topic). */
  readonly groups?: Partial<Record<keyof ${base}Endpoints, string>>;
  /** The record key of some methods' requests: records with one key go to one partition and are handled in order. */
  readonly keys?: { readonly [M in keyof ${base}Endpoints]?: (request: Requests[M]) => string };
${decodersOption(service)}
  /** Passed to every subscriber; each one's \`groupId\` comes from \`groups\`. */
  readonly subscriber?: Omit<KafkaSubscriberOptions, "groupId">;
  /** Passed to every publisher and requester. */
  readonly publisher?: PublisherOptions;
  /** More kafkajs settings for the reply consumers of the transport's requesters. */
  readonly consumer?: Omit<ConsumerConfig, "groupId">;
  /** How long a call whose context has no deadline waits for its reply, in milliseconds (default 30 000). */
  readonly timeout?: number;
}

/** Client endpoints over Kafka, with \`close()\` for their producer and reply consumers. */
export type KafkaClientEndpoints = ${base}Endpoints & {
  /** Fails the calls still waiting with \`canceled\` and disconnects. */
  close(): Promise<void>;
  /** The same as \`close()\`, for \`await using\`. */
  [Symbol.asyncDispose](): Promise<void>;
};

${nameFunction(service, "kafka")}${
    replies
      ? `
/** The topic a method's replies come back on: \`<topic>.replies\`, inside the subscriber's default reply namespace. */
function kafkaReplyTopic(options: KafkaOptions, method: keyof ${base}Endpoints): string {
  return \`\${kafkaName(options, method)}.replies\`;
}
`
      : ""
  }
`;
}

function topicsFunction(service: Service): string {
  const topics = service.methods.flatMap((m) => [`kafkaName(options, ${JSON.stringify(m.name)})`, ...(isEvent(m) ? [] : [`kafkaReplyTopic(options, ${JSON.stringify(m.name)})`])]);
  return `
/**
 * Creates each method's topic, and the reply topic of each method that answers, when they do
 * not exist, and resolves once every partition has a leader: a subscriber never creates the
 * topic it reads (it creates its dead-letter topic itself). Idempotent, and safe to run at the
 * same time as other services' (\`createTopics\` of \`@kit/transport-kafka\`): run it at start-up.
 * When they have no leaders within 30 s it rejects, naming them, with \`unavailable\` (no broker
 * answered) or \`deadline_exceeded\`.
 *
 * @param kafka - the kafkajs client
 * @param options - topic names
 * @param numPartitions - the partitions of each topic it creates (default 1)
 */
export async function kafkaTopics(kafka: Kafka, options: KafkaOptions = {}, numPartitions = 1): Promise<void> {
  await createTopics(kafka, [
${topics.map((t) => `    ${t},`).join("\n")}
  ], { numPartitions });
}
`;
}

function subscribersFunction(service: Service): string {
  const base = baseName(service.name);
  const line = (m: Method): string =>
    `    subscriber(kafka, kafkaName(options, ${JSON.stringify(m.name)}), endpoints.${m.name}, ${requestDecoder(m)}, ${responseEncoder(m, "encodeJSONMessage")}, group(${JSON.stringify(m.name)})),`;
  return `
/**
 * Serves every method on its topic, each in its own consumer group; a method resolving to
 * \`void\` is an event (no reply), the others answer on the reply topic each request names.
 * Resolves once every subscriber reads; when one cannot start, the others are closed and its
 * error is thrown (\`not_found\` for a missing topic: see \`kafkaTopics\`). The result closes them all.
 *
 * @param kafka - the kafkajs client
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - topic names, groups, decoders and subscriber options
 */
export async function kafkaSubscribers(kafka: Kafka, endpoints: ${base}Endpoints, options: KafkaOptions = {}): Promise<Subscriber> {
  const group = (method: keyof ${base}Endpoints): KafkaSubscriberOptions => ({ ...options.subscriber, groupId: options.groups?.[method] ?? kafkaName(options, method) });
  const subscribers = await startAll([
${service.methods.map(line).join("\n")}
  ]);
  return subscriberGroup(subscribers);
}
`;
}

function requesterLine(m: Method): string {
  const name = JSON.stringify(m.name);
  return `    requester(kafka, kafkaName(options, ${name}), encodeJSONMessage, decodeJSONMessage(${schemaName(m.name, "Response")}), { ...common, replyTopic: kafkaReplyTopic(options, ${name}), key: options.keys?.${m.name} }),`;
}

function transportFunction(service: Service): string {
  const base = baseName(service.name);
  const answering = service.methods.filter((m) => !isEvent(m));
  const fields = service.methods.map((m) =>
    isEvent(m) ? `    ${m.name}: publisher(producer, kafkaName(options, ${JSON.stringify(m.name)}), encodeJSONMessage, { ...common, key: options.keys?.${m.name} }),` : `    ${m.name},`,
  );
  const requesters =
    answering.length === 0
      ? "  const requesters: { close(): Promise<void> }[] = [];\n"
      : `  const requesters = await startAll([
${answering.map(requesterLine).join("\n")}
  ]).catch(async (err: unknown) => {
    await producer.disconnect();
    throw err;
  });
  const [${answering.map((m) => m.name).join(", ")}] = requesters;
`;
  return `
/**
 * Client endpoints over Kafka: a method that answers is a requester (its reply topic read by a
 * consumer of its own), an event a publisher; all share one producer made by \`atLeastOnceProducer\`. Resolves once
 * every reply consumer reads. Give them to \`${camel(base)}Client\` for a typed client, and close them.
 *
 * @param kafka - the kafkajs client
 * @param options - topic names, record keys, publisher hooks, reply consumer settings
 */
export async function kafkaTransport(kafka: Kafka, options: KafkaOptions = {}): Promise<KafkaClientEndpoints> {
  const producer = atLeastOnceProducer(kafka);
  await producer.connect();
  const common = { ...options.publisher, producer, ...(options.consumer === undefined ? {} : { consumer: options.consumer }), ...(options.timeout === undefined ? {} : { timeout: options.timeout }) };
${requesters}  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.allSettled(requesters.map((r) => r.close()));
      await producer.disconnect();
    })());
  return {
${fields.join("\n")}
    close,
    [Symbol.asyncDispose]: close,
  };
}
`;
}

/** `<base>.kafka.ts`: topics, a subscriber per method in its own group, and a transport of requesters and publishers. */
export function emitKafka(service: Service, head: string): string {
  return `${imports(service, head)}\n${declarations(service)}${topicsFunction(service)}${subscribersFunction(service)}${transportFunction(service)}`;
}
