import type { Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import { schemaName } from "./validators.ts";

/** What differs between the message transports kitgen writes for. */
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
}

/** The message transports kitgen writes for. */
export const messagingTargets: Readonly<Record<string, MessagingTarget>> = {
  memory: { id: "memory", module: "@kit/transport-memory", connection: "MemoryBroker", noun: "queue", subscriberOptions: undefined },
  nats: { id: "nats", module: "@kit/transport-nats", connection: "Parameters<typeof subscriber>[0]", noun: "subject", subscriberOptions: "NatsSubscriberOptions" },
  amqp: {
    id: "amqp",
    module: "@kit/transport-amqp",
    connection: "Parameters<typeof subscriber>[0]",
    noun: "queue",
    subscriberOptions: "AmqpSubscriberOptions",
    topology: true,
  },
};

function moduleImports(target: MessagingTarget): string {
  if (target.subscriberOptions === undefined) return `publisher, subscriber, type ${target.connection}`;
  return `${target.topology === true ? "assertTopology, " : ""}publisher, subscriber, type ${target.subscriberOptions}`;
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
  const methods = Object.keys(${camel(base)}${Id}Names) as (keyof ${base}Endpoints)[];
  await Promise.all(methods.map((method) => assertTopology(connection, ${target.id}Name(options, method))));
}
`;
}

/** `<base>.<transport>.ts`: a subscriber per method and a transport (a publisher per method). */
export function emitMessaging(service: Service, head: string, target: MessagingTarget): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const id = target.id;
  const Id = pascal(id);
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), ...(m.result.kind === "void" ? [] : [schemaName(m.name, "Response")])]);
  const imports = [
    head,
    importFrom(`{ decodeJSONMessage, encodeJSONMessage, type PublisherOptions, type Subscriber${target.subscriberOptions === undefined ? ", type SubscriberOptions" : ""} }`, "@kit/transport"),
    importFrom(`{ ${moduleImports(target)} }`, target.module),
    importFrom(`type { ${base}Endpoints }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`),
    "",
  ];
  const subOptions = target.subscriberOptions ?? "SubscriberOptions";
  const body = `/** The connection the ${id} transport works on. */
export type ${Id}Connection = ${target.connection};

/** The default ${target.noun} of each method: \`<service>.<method>\`, kebab-cased. */
export const ${camel(base)}${Id}Names: Readonly<Record<keyof ${base}Endpoints, string>> = {
${service.methods.map((m) => `  ${m.name}: ${JSON.stringify(`${file}.${kebab(m.name)}`)},`).join("\n")}
};

/** Options for the ${id} subscribers and transport. */
export interface ${Id}Options {
  /** Replaces the ${target.noun} of some methods. */
  readonly names?: Partial<Record<keyof ${base}Endpoints, string>>;
  /** Passed to every subscriber. */
  readonly subscriber?: ${subOptions};
  /** Passed to every publisher. */
  readonly publisher?: PublisherOptions;
}

function ${id}Name(options: ${Id}Options, method: keyof ${base}Endpoints): string {
  return options.names?.[method] ?? ${camel(base)}${Id}Names[method];
}

/**
 * Serves every method on its ${target.noun}; a method resolving to \`void\` is an event (no reply).
 * The result closes them all.
 *
 * @param connection - the ${id} connection
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - ${target.noun} names and subscriber options
 */
export function ${id}Subscribers(connection: ${Id}Connection, endpoints: ${base}Endpoints, options: ${Id}Options = {}): Subscriber {
  const sub = options.subscriber ?? {};
  const subscribers = [
${service.methods.map((m) => `    subscriber(connection, ${id}Name(options, ${JSON.stringify(m.name)}), endpoints.${m.name}, decodeJSONMessage(${schemaName(m.name, "Request")}), encodeJSONMessage, sub),`).join("\n")}
  ];
  const close = async (): Promise<void> => {
    await Promise.all(subscribers.map((s) => s.close()));
  };
  return {
    ready: Promise.all(subscribers.map((s) => s.ready)).then(() => undefined),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Client endpoints that publish each call on its method's ${target.noun} and, unless the method
 * is an event, wait for the reply. Give them to \`${camel(base)}Client\` for a typed client.
 *
 * @param connection - the ${id} connection
 * @param options - ${target.noun} names and publisher options
 */
export function ${id}Transport(connection: ${Id}Connection, options: ${Id}Options = {}): ${base}Endpoints {
  const pub = options.publisher ?? {};
  return {
${service.methods
  .map((m) =>
    m.result.kind === "void"
      ? `    ${m.name}: publisher(connection, ${id}Name(options, ${JSON.stringify(m.name)}), encodeJSONMessage, undefined, pub),`
      : `    ${m.name}: publisher(connection, ${id}Name(options, ${JSON.stringify(m.name)}), encodeJSONMessage, decodeJSONMessage(${schemaName(m.name, "Response")}), pub),`,
  )
  .join("\n")}
  };
}
`;
  return `${imports.join("\n")}\n${body}${topologyFunction(service, target)}`;
}
