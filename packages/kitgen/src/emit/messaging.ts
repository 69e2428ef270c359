import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import {
  decodersOption,
  endpointsImport,
  isEvent,
  nameFunction,
  namesConst,
  namesConstName,
  namesOption,
  requestDecoder,
  requestsType,
  responseEncoder,
  schemaImports,
  type NameStyle,
} from "./message-parts.ts";
import { errorReplyHelper, errorReplyImports, errorReplyTypes, errorReplyValues, withErrorReply } from "./message-error-reply.ts";
import { needsReplies, repliesConst, repliesConstName, repliesOption, repliesSetup, replyStreamFunction } from "./reply-stream.ts";
import { schemaName } from "./validators.ts";

/** Subscriber options a generated file fills in for each method, the module requiring some of them. */
export interface SubscriberDefaults {
  /** The options the module requires, optional in the generated `<Id>MethodSubscriberOptions`. */
  readonly required: readonly string[];
  /** The object literal's fields, given the service; `method` and `options` are in scope. */
  readonly fields: (service: Service) => string;
  /** What the defaults are, for the options' documentation. */
  readonly doc: (service: Service) => string;
}

/** What differs between the message transports kitgen writes for with one shape (NATS, AMQP, MQTT, Redis Streams, memory). */
export interface MessagingTarget {
  /** The transport's id and file suffix: `nats`, `memory`. */
  readonly id: string;
  /** The package: `@kit/transport-nats`. */
  readonly module: string;
  /** The connection's type expression, given `subscriber` imported from the module. */
  readonly connection: string;
  /** What the names are called in docs: subject, queue. */
  readonly noun: string;
  /** Between the service and the method in a default name (default `.`). */
  readonly separator?: NameStyle["separator"];
  /** The subscriber options type the module exports, or `undefined` for `@kit/transport`'s. */
  readonly subscriberOptions: string | undefined;
  /** The publisher options type the module exports (default `@kit/transport`'s `PublisherOptions`). */
  readonly publisherOptions?: string;
  /** Subscriber options filled in for each method (MQTT's dead-letter topic, Redis's group). */
  readonly subscriberDefaults?: SubscriberDefaults;
  /** Whether the transport declares its queues with `assertTopology` (AMQP). */
  readonly topology?: boolean;
  /** Whether requests are answered on a reply stream of the client's own, `options.replies` (Redis Streams). */
  readonly replyStream?: boolean;
  /** Whether the transport also serves the methods as a NATS service (`serviceEndpoint` of `@kit/transport-nats/services`). */
  readonly service?: boolean;
  /**
   * The connection type of a transport with no events, when its requesters take more than its
   * subscribers (AMQP's take any amqplib channel, its subscribers and event publishers a confirm
   * channel), given `<Id>Connection` declared.
   */
  readonly requesterConnection?: string;
}

const mqttDefaults: SubscriberDefaults = {
  required: ["deadLetterTopic"],
  fields: () => "deadLetterTopic: `${mqttName(options, method)}/dead`",
  doc: () => "`deadLetterTopic` defaults to `<topic>/dead`",
};

const redisDefaults: SubscriberDefaults = {
  required: ["group"],
  fields: (service) => `group: ${JSON.stringify(kebab(baseName(service.name)))}, createGroup: true, replyNamespace: [\`\${${repliesConstName(service, "redis")}}:\`]`,
  doc: (service) =>
    `\`group\` defaults to \`${kebab(baseName(service.name))}\`, created with the stream when missing (\`createGroup\`), and \`replyNamespace\` to the reply streams of \`redisReplyStream\``,
};

/** The message transports kitgen writes for with {@link emitMessaging}. */
export const messagingTargets: Readonly<Record<string, MessagingTarget>> = {
  memory: { id: "memory", module: "@kit/transport-memory", connection: "MemoryBroker", noun: "queue", subscriberOptions: undefined },
  nats: { id: "nats", module: "@kit/transport-nats", connection: "Parameters<typeof subscriber>[0]", noun: "subject", subscriberOptions: "NatsSubscriberOptions", service: true },
  amqp: {
    id: "amqp",
    module: "@kit/transport-amqp",
    connection: "Parameters<typeof subscriber>[0]",
    noun: "queue",
    subscriberOptions: "AmqpSubscriberOptions",
    topology: true,
    requesterConnection: "AmqpConnection | Channel",
  },
  mqtt: {
    id: "mqtt",
    module: "@kit/transport-mqtt",
    connection: "Parameters<typeof subscriber>[0]",
    noun: "topic",
    separator: "/",
    subscriberOptions: "MqttSubscriberOptions",
    publisherOptions: "MqttPublisherOptions",
    subscriberDefaults: mqttDefaults,
  },
  redis: {
    id: "redis",
    module: "@kit/transport-redis",
    connection: "Parameters<typeof subscriber>[0]",
    noun: "stream",
    separator: ":",
    subscriberOptions: "RedisSubscriberOptions",
    publisherOptions: "RedisPublisherOptions",
    subscriberDefaults: redisDefaults,
    replyStream: true,
  },
};

function moduleImports(service: Service, target: MessagingTarget): string {
  if (target.subscriberOptions === undefined) return `publisher, subscriber, type ${target.connection}`;
  const replies = target.replyStream === true && needsReplies(service);
  const Id = pascal(target.id);
  const values = [...(target.topology === true ? ["assertTopology"] : []), "publisher", ...(replies ? ["replyStream"] : []), "subscriber"];
  const types = [...(target.publisherOptions === undefined ? [] : [target.publisherOptions]), ...(replies ? [`${Id}ReplyStream`, `${Id}ReplyStreamOptions`] : []), target.subscriberOptions];
  return [...values, ...types.map((t) => `type ${t}`)].join(", ");
}

function imports(service: Service, head: string, target: MessagingTarget): string {
  const own = target.subscriberOptions === undefined ? ", type SubscriberOptions" : "";
  const publisherOptions = target.publisherOptions === undefined ? ", type PublisherOptions" : "";
  const requester = requesterConnection(service, target) === undefined ? [] : [importFrom("type { Channel }", "amqplib")];
  const uuid = target.replyStream === true && needsReplies(service) ? [importFrom("{ randomUUID }", "node:crypto")] : [];
  return [
    head,
    ...uuid,
    importFrom(`{ decodeJSONMessage, encodeJSONMessage, subscriberGroup${errorReplyValues(service)}, type DecodeMessage${errorReplyTypes(service)}${publisherOptions}, type Subscriber${own} }`, "@kit/transport"),
    importFrom(`{ ${moduleImports(service, target)} }`, target.module),
    ...(target.service === true ? [importFrom("{ serviceEndpoint, type ServiceEndpointTarget }", `${target.module}/services`)] : []),
    ...requester,
    ...errorReplyImports(service),
    endpointsImport(service),
    schemaImports(service),
    "",
  ].join("\n");
}

/** The type of one method's subscriber options in `<Id>Options`: the module's, or with the defaulted ones optional. */
function subscriberOptionsType(target: MessagingTarget): string {
  if (target.subscriberDefaults !== undefined) return `${pascal(target.id)}MethodSubscriberOptions`;
  return target.subscriberOptions ?? "SubscriberOptions";
}

/** `<Id>MethodSubscriberOptions`, for a target whose subscribers get defaults. */
function subscriberOptionsAlias(target: MessagingTarget): string {
  const defaults = target.subscriberDefaults;
  if (defaults === undefined || target.subscriberOptions === undefined) return "";
  const fields = defaults.required.map((f) => JSON.stringify(f)).join(" | ");
  return `
/** \`${target.module}\`'s subscriber options, with ${defaults.required.map((f) => `\`${f}\``).join(", ")} optional: each method's is filled in. */
export type ${subscriberOptionsType(target)} = Omit<${target.subscriberOptions}, ${fields}> & Partial<Pick<${target.subscriberOptions}, ${fields}>>;
`;
}

function declarations(service: Service, target: MessagingTarget): string {
  const Id = pascal(target.id);
  const base = baseName(service.name);
  const defaults = target.subscriberDefaults === undefined ? "" : ` ${target.subscriberDefaults.doc(service)}.`;
  return `/** The connection the ${target.id} transport works on. */
export type ${Id}Connection = ${target.connection};

${namesConst(service, { id: target.id, noun: target.noun, separator: target.separator ?? "." })}${target.replyStream === true ? `\n${repliesConst(service, target.id)}` : ""}
${requestsType(service)}
/** Options for the ${target.id} subscribers and transport. */
export interface ${Id}Options {
${namesOption(service, target.noun)}
${decodersOption(service)}
  /** Passed to every subscriber; a function is asked for each method's, given the method and its ${target.noun}.${defaults} */
  readonly subscriber?: PerMethod<${subscriberOptionsType(target)}>;
  /** Passed to every publisher; a function is asked for each method's, given the method and its ${target.noun}. */
  readonly publisher?: PerMethod<${target.publisherOptions ?? "PublisherOptions"}>;${target.replyStream === true ? repliesOption(service, target.id) : ""}
}
${subscriberOptionsAlias(target)}
/** Options for every method, or a function that gives each method's (a trace's destination differs per ${target.noun}). */
export type PerMethod<T> = T | ((method: keyof ${base}Endpoints, ${target.noun}: string) => T);

function optionsFor<T>(given: PerMethod<T> | undefined, method: keyof ${base}Endpoints, name: string): T | undefined {
  return given instanceof Function ? given(method, name) : given;
}

${nameFunction(service, target.id)}`;
}

/** The statement declaring `sub(method)`, each method's subscriber options, in `<id>Subscribers`. */
function subscriberOptionsFunction(service: Service, target: MessagingTarget): string {
  const { id, subscriberDefaults } = target;
  const base = baseName(service.name);
  const given = `optionsFor(options.subscriber, method, ${id}Name(options, method))`;
  if (subscriberDefaults === undefined || target.subscriberOptions === undefined) {
    return `  const sub = (method: keyof ${base}Endpoints): ${subscriberOptionsType(target)} | undefined => ${withErrorReply(service, given)};`;
  }
  const defaults = service.jsonErrorField === undefined ? "" : "errorEncoder: encodeErrorReply, ";
  return `  const sub = (method: keyof ${base}Endpoints): ${target.subscriberOptions} => ({ ${defaults}${subscriberDefaults.fields(service)}, ...${given} });`;
}

function subscribersFunction(service: Service, target: MessagingTarget): string {
  const { id, noun } = target;
  const base = baseName(service.name);
  const line = (m: Method): string =>
    `    subscriber(connection, ${id}Name(options, ${JSON.stringify(m.name)}), endpoints.${m.name}, ${requestDecoder(m)}, ${responseEncoder(m, "encodeJSONMessage")}, sub(${JSON.stringify(m.name)})),`;
  return `
/**
 * Serves every method on its ${noun}; a method resolving to \`void\` is an event (no reply).
 * The result runs them as one (\`subscriberGroup\`): ready when all are, closing them all.
 *
 * @param connection - the ${id} connection
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - ${noun} names, request decoders and subscriber options
 */
export function ${id}Subscribers(connection: ${pascal(id)}Connection, endpoints: ${base}Endpoints, options: ${pascal(id)}Options = {}): Subscriber {
${subscriberOptionsFunction(service, target)}
  return subscriberGroup([
${service.methods.map(line).join("\n")}
  ]);
}
`;
}

/** The connection type of `<id>Transport`: any the requesters take, unless a method is an event. */
function requesterConnection(service: Service, target: MessagingTarget): string | undefined {
  return service.methods.some(isEvent) ? undefined : target.requesterConnection;
}

function transportFunction(service: Service, target: MessagingTarget): string {
  const { id, noun } = target;
  const replies = target.replyStream === true;
  const connection = requesterConnection(service, target) ?? `${pascal(id)}Connection`;
  const base = baseName(service.name);
  const line = (m: Method): string => {
    const decode = isEvent(m) ? "undefined" : `decodeJSONMessage(${schemaName(m.name, "Response")})`;
    const pub = `pub(${JSON.stringify(m.name)})`;
    return `    ${m.name}: publisher(connection, ${id}Name(options, ${JSON.stringify(m.name)}), encodeJSONMessage, ${decode}, ${replies && !isEvent(m) ? `{ ...${pub}, replies }` : pub}),`;
  };
  const optionsDoc = replies && needsReplies(service) ? `${noun} names, publisher options and \`replies\`, from \`${id}ReplyStream\`` : `${noun} names and publisher options`;
  return `
/**
 * Client endpoints that publish each call on its method's ${noun} and, unless the method
 * is an event, wait for the reply. Give them to \`${camel(base)}Client\` for a typed client.
 *
 * @param connection - the ${id} connection${requesterConnection(service, target) === undefined ? "" : " (for AMQP, any channel: replies come by direct reply-to)"}
 * @param options - ${optionsDoc}
 */
export function ${id}Transport(connection: ${connection}, options: ${pascal(id)}Options = {}): ${base}Endpoints {
  const pub = (method: keyof ${base}Endpoints): ${target.publisherOptions ?? "PublisherOptions"} | undefined => optionsFor(options.publisher, method, ${id}Name(options, method));
${replies ? repliesSetup(service, id) : ""}  return {
${service.methods.map(line).join("\n")}
  };
}
`;
}

function topologyFunction(service: Service, target: MessagingTarget): string {
  if (target.topology !== true) return "";
  const base = baseName(service.name);
  const Id = pascal(target.id);
  return `
/**
 * Declares every method's queue with its retry queue and dead letter (\`assertTopology\`), as
 * the subscribers need them. Idempotent: run it at start-up.
 *
 * @param connection - a confirm channel
 * @param options - queue names
 */
export async function ${target.id}Topology(connection: ${Id}Connection, options: ${Id}Options = {}): Promise<void> {
  const methods = Object.keys(${namesConstName(service, target.id)}) as (keyof ${base}Endpoints)[];
  await Promise.all(methods.map((method) => assertTopology(connection, ${target.id}Name(options, method))));
}
`;
}

function serviceFunction(service: Service, target: MessagingTarget): string {
  if (target.service !== true) return "";
  const { id, noun } = target;
  const base = baseName(service.name);
  const line = (m: Method): string =>
    `    serviceEndpoint(connection, endpointOf(${JSON.stringify(m.name)}), endpoints.${m.name}, ${requestDecoder(m)}, ${responseEncoder(m, "encodeJSONMessage")}, optionsOf(${JSON.stringify(m.name)})),`;
  return `
/**
 * Serves every method as an endpoint of a NATS service (the micro protocol of
 * \`@nats-io/services\`), named after the method and listening on its ${noun}, so \`nats micro ls\`
 * and \`$SRV.PING\`, \`$SRV.INFO\` and \`$SRV.STATS\` see them. Each runs as in \`${id}Subscribers\`
 * (\`serviceEndpoint\` of \`@kit/transport-nats/services\`); a subscriber option's \`queue\` is the
 * endpoint's queue group (default the service's). To shut down, stop the service first
 * (\`await service.stop()\`), then close the result, which lets the requests in flight finish.
 *
 * @param connection - the ${id} connection the service runs on
 * @param service - the service, from \`new Svcm(nc).add(config)\`, or one of its groups (whose prefix goes before each ${noun})
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - ${noun} names, decoders and subscriber options
 */
export function ${id}Service(connection: ${pascal(id)}Connection, service: ServiceEndpointTarget["service"], endpoints: ${base}Endpoints, options: ${pascal(id)}Options = {}): Subscriber {
  const optionsOf = (method: keyof ${base}Endpoints): ${target.subscriberOptions ?? "SubscriberOptions"} | undefined => ${withErrorReply(service, `optionsFor(options.subscriber, method, ${id}Name(options, method))`)};
  const endpointOf = (method: keyof ${base}Endpoints): ServiceEndpointTarget => {
    const queue = optionsOf(method)?.queue;
    return { service, name: method, subject: ${id}Name(options, method), ...(queue === undefined ? {} : { queue }) };
  };
  return subscriberGroup([
${service.methods.map(line).join("\n")}
  ]);
}
`;
}

/**
 * `<base>.<transport>.ts` for NATS, AMQP, MQTT, Redis Streams and memory: a subscriber per
 * method and a transport (a publisher per method), with AMQP's topology, Redis's reply stream and, for NATS, the methods as a NATS service.
 */
export function emitMessaging(service: Service, head: string, target: MessagingTarget): string {
  const replies = target.replyStream === true ? replyStreamFunction(service, target.id) : "";
  return `${imports(service, head, target)}\n${declarations(service, target)}${errorReplyHelper(service)}${subscribersFunction(service, target)}${transportFunction(service, target)}${topologyFunction(service, target)}${replies}${serviceFunction(service, target)}`;
}
