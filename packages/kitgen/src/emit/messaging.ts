import type { Method, Service } from "../model.ts";
import { baseName, camel, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import {
  combineSubscribers,
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
} from "./message-parts.ts";
import { schemaName } from "./validators.ts";

/** What differs between the message transports kitgen writes for with one shape (NATS, AMQP, memory). */
export interface MessagingTarget {
  /** The transport's id and file suffix: `nats`, `memory`. */
  readonly id: string;
  /** The package: `@kit/transport-nats`. */
  readonly module: string;
  /** The connection's type expression, given `subscriber` imported from the module. */
  readonly connection: string;
  /** What the names are called in docs: subject, queue. */
  readonly noun: string;
  /** The subscriber options type the module exports, or `undefined` for `@kit/transport`'s. */
  readonly subscriberOptions: string | undefined;
  /** Whether the transport declares its queues with `assertTopology` (AMQP). */
  readonly topology?: boolean;
  /** Whether the transport also serves the methods as a NATS service (`serviceEndpoint` of `@kit/transport-nats/services`). */
  readonly service?: boolean;
  /**
   * The connection type of a transport with no events, when its requesters take more than its
   * subscribers (AMQP's take any amqplib channel, its subscribers and event publishers a confirm
   * channel), given `<Id>Connection` declared.
   */
  readonly requesterConnection?: string;
}

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
};

function moduleImports(target: MessagingTarget): string {
  if (target.subscriberOptions === undefined) return `publisher, subscriber, type ${target.connection}`;
  return `${target.topology === true ? "assertTopology, " : ""}publisher, subscriber, type ${target.subscriberOptions}`;
}

function imports(service: Service, head: string, target: MessagingTarget): string {
  const own = target.subscriberOptions === undefined ? ", type SubscriberOptions" : "";
  const requester = requesterConnection(service, target) === undefined ? [] : [importFrom("type { Channel }", "amqplib")];
  return [
    head,
    importFrom(`{ decodeJSONMessage, encodeJSONMessage, type DecodeMessage, type PublisherOptions, type Subscriber${own} }`, "@kit/transport"),
    importFrom(`{ ${moduleImports(target)} }`, target.module),
    ...(target.service === true ? [importFrom("{ serviceEndpoint, type ServiceEndpointTarget }", `${target.module}/services`)] : []),
    ...requester,
    endpointsImport(service),
    schemaImports(service),
    "",
  ].join("\n");
}

function declarations(service: Service, target: MessagingTarget): string {
  const Id = pascal(target.id);
  return `/** The connection the ${target.id} transport works on. */
export type ${Id}Connection = ${target.connection};

${namesConst(service, { id: target.id, noun: target.noun, separator: "." })}
${requestsType(service)}
/** Options for the ${target.id} subscribers and transport. */
export interface ${Id}Options {
${namesOption(service, target.noun)}
${decodersOption(service)}
  /** Passed to every subscriber; a function is asked for each method's, given the method and its ${target.noun}. */
  readonly subscriber?: PerMethod<${target.subscriberOptions ?? "SubscriberOptions"}>;
  /** Passed to every publisher; a function is asked for each method's, given the method and its ${target.noun}. */
  readonly publisher?: PerMethod<PublisherOptions>;
}

/** Options for every method, or a function that gives each method's (a trace's destination differs per ${target.noun}). */
export type PerMethod<T> = T | ((method: keyof ${baseName(service.name)}Endpoints, ${target.noun}: string) => T);

function optionsFor<T>(given: PerMethod<T> | undefined, method: keyof ${baseName(service.name)}Endpoints, name: string): T | undefined {
  return given instanceof Function ? given(method, name) : given;
}

${nameFunction(service, target.id)}`;
}

function subscribersFunction(service: Service, target: MessagingTarget): string {
  const { id, noun } = target;
  const base = baseName(service.name);
  const line = (m: Method): string =>
    `    subscriber(connection, ${id}Name(options, ${JSON.stringify(m.name)}), endpoints.${m.name}, ${requestDecoder(m)}, ${responseEncoder(m, "encodeJSONMessage")}, sub(${JSON.stringify(m.name)})),`;
  return `
/**
 * Serves every method on its ${noun}; a method resolving to \`void\` is an event (no reply).
 * The result closes them all.
 *
 * @param connection - the ${id} connection
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - ${noun} names, decoders and subscriber options
 */
export function ${id}Subscribers(connection: ${pascal(id)}Connection, endpoints: ${base}Endpoints, options: ${pascal(id)}Options = {}): Subscriber {
  const sub = (method: keyof ${base}Endpoints): ${target.subscriberOptions ?? "SubscriberOptions"} | undefined => optionsFor(options.subscriber, method, ${id}Name(options, method));
  const subscribers = [
${service.methods.map(line).join("\n")}
  ];
${combineSubscribers}
}
`;
}

/** The connection type of `<id>Transport`: any the requesters take, unless a method is an event. */
function requesterConnection(service: Service, target: MessagingTarget): string | undefined {
  return service.methods.some(isEvent) ? undefined : target.requesterConnection;
}

function transportFunction(service: Service, target: MessagingTarget): string {
  const { id, noun } = target;
  const connection = requesterConnection(service, target) ?? `${pascal(id)}Connection`;
  const base = baseName(service.name);
  const line = (m: Method): string => {
    const decode = isEvent(m) ? "undefined" : `decodeJSONMessage(${schemaName(m.name, "Response")})`;
    return `    ${m.name}: publisher(connection, ${id}Name(options, ${JSON.stringify(m.name)}), encodeJSONMessage, ${decode}, pub(${JSON.stringify(m.name)})),`;
  };
  return `
/**
 * Client endpoints that publish each call on its method's ${noun} and, unless the method
 * is an event, wait for the reply. Give them to \`${camel(base)}Client\` for a typed client.
 *
 * @param connection - the ${id} connection${requesterConnection(service, target) === undefined ? "" : " (for AMQP, any channel: replies come by direct reply-to)"}
 * @param options - ${noun} names and publisher options
 */
export function ${id}Transport(connection: ${connection}, options: ${pascal(id)}Options = {}): ${base}Endpoints {
  const pub = (method: keyof ${base}Endpoints): PublisherOptions | undefined => optionsFor(options.publisher, method, ${id}Name(options, method));
  return {
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
  const optionsOf = (method: keyof ${base}Endpoints): ${target.subscriberOptions ?? "SubscriberOptions"} | undefined => optionsFor(options.subscriber, method, ${id}Name(options, method));
  const endpointOf = (method: keyof ${base}Endpoints): ServiceEndpointTarget => {
    const queue = optionsOf(method)?.queue;
    return { service, name: method, subject: ${id}Name(options, method), ...(queue === undefined ? {} : { queue }) };
  };
  const subscribers = [
${service.methods.map(line).join("\n")}
  ];
${combineSubscribers}
}
`;
}

/** `<base>.<transport>.ts` for NATS, AMQP and memory: a subscriber per method and a transport (a publisher per method); for NATS, the methods as a NATS service too. */
export function emitMessaging(service: Service, head: string, target: MessagingTarget): string {
  return `${imports(service, head, target)}\n${declarations(service, target)}${subscribersFunction(service, target)}${transportFunction(service, target)}${topologyFunction(service, target)}${serviceFunction(service, target)}`;
}
