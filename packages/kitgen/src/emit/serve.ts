import type { Service } from "../model.ts";
import { baseName, camel, kebab } from "../names.ts";
import { importFrom } from "./header.ts";
import { endpointsImport } from "./message-parts.ts";
import { generatedImports, publishesOnly, serveTransports, startName, type ServeTransport } from "./serve-transports.ts";

/** The transports of `serve<Service>` among those generated, in its order; none when only memory is. */
export function servedTransports(transports: readonly string[]): ServeTransport[] {
  return serveTransports.filter((t) => transports.includes(t.id));
}

function imports(service: Service, head: string, chosen: readonly ServeTransport[]): string {
  const byModule = new Map<string, string[]>();
  const waits = chosen.some((t) => t.waits === true);
  const handlers = chosen.some((t) => t.id === "grpc"); // grpcServices takes the error handler
  const kit = ["serveTransports", ...(waits ? ["whenReady"] : []), "type EndpointsOn", ...(handlers ? ["type ErrorHandler"] : []), "type ServeOptions", "type ServeStart"];
  for (const [module, what] of [["@kit/transport", kit.join(", ")] as const, ...chosen.flatMap((t) => t.packages)]) {
    const list = byModule.get(module) ?? [];
    if (!list.includes(what)) list.push(what);
    byModule.set(module, list);
  }
  const order = (a: string, b: string): number => (a.startsWith("node:") === b.startsWith("node:") ? (a < b ? -1 : a > b ? 1 : 0) : a.startsWith("node:") ? -1 : 1);
  const modules = [...byModule.keys()].sort(order);
  return [head, ...modules.map((m) => importFrom(`{ ${(byModule.get(m) ?? []).join(", ")} }`, m)), endpointsImport(service), ...generatedImports(service, chosen), ""].join("\n");
}

function declarations(service: Service, chosen: readonly ServeTransport[]): string {
  const base = baseName(service.name);
  const prefix = kebab(base);
  const listening = chosen.filter((t) => t.listens === true).map((t) => JSON.stringify(t.id));
  const connections = [
    ...(listening.length > 0 ? [`{ readonly transport: ${listening.join(" | ")} }`] : []),
    ...chosen.filter((t) => t.listens !== true).map((t) => t.connection),
  ];
  return `
/**
 * How \`serve${base}\` serves: an address or URL per transport, of which only those given are
 * started, and the options they share (\`logger\`, \`concurrency\`, \`errorHandler\`, \`graceMs\`).
 */
export interface ${base}ServeOptions extends ServeOptions {
  /**
   * The service's part of every queue, subject, topic and stream name (\`<prefix>.<method>\`), the
   * NATS service, queue group, MQTT shared subscription and Redis consumer group; default \`${prefix}\`.
   */
  readonly prefix?: string | undefined;
${chosen.map((t) => t.options(service)).join("\n")}
}

/** A connection \`serve${base}\` opened, given to endpoints made per transport (events answered on the same broker, say). */
export type ${base}Connection =
${connections.map((c) => `  | ${c}`).join("\n")};

/**
 * The endpoints to serve on a transport, asked once per transport started, given its connection;
 * what it passes to \`defer\` is closed before that connection.
 */
export type ${base}EndpointsOn = EndpointsOn<${base}Connection, ${base}Endpoints>;

/** What \`serve${base}\` started. */
export interface ${base}Served {${listening.length > 0 ? `
  /** The \`host:port\` each listener got, by transport. */
  readonly addrs: Readonly<Partial<Record<${listening.join(" | ")}, string>>>;` : ""}
  /** Closes every transport, last started first, letting the calls in flight finish; idempotent. */
  close(): Promise<void>;
}

/** What each transport's start function is given. */
type Start = ServeStart<${base}ServeOptions, ${base}Connection, ${base}Endpoints>;
`;
}

function serveFunction(service: Service, chosen: readonly ServeTransport[]): string {
  const base = baseName(service.name);
  const line = (t: ServeTransport): string =>
    `    if (options.${t.id} !== undefined) ${t.listens === true ? `addrs.${t.id} = ` : ""}await ${startName(t.id)}(options.${t.id}, start);`;
  const listening = chosen.filter((t) => t.listens === true).map((t) => JSON.stringify(t.id));
  return `
/**
 * Starts every transport \`options\` gives an address or URL for, in this order: ${chosen.map((t) => t.id).join(", ")}.
 * Each connects with Kit's resilient settings, declares what it needs, waits until it is ready
 * and logs one line; when one fails, what started is closed and the error thrown.
 *
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`; or a function that makes each transport's, given its connection
 * @param options - the transports' addresses and URLs, and what they share
 * @returns the listeners' addresses, and \`close()\`
 */
export async function serve${base}(endpoints: ${base}Endpoints | ${base}EndpointsOn, options: ${base}ServeOptions = {}): Promise<${base}Served> {
${listening.length > 0 ? `  const addrs: Partial<Record<${listening.join(" | ")}, string>> = {};\n` : ""}  const close = await serveTransports(endpoints, options, ${JSON.stringify(kebab(base))}, async (start: Start) => {
${chosen.map(line).join("\n")}
  });
  return { ${listening.length > 0 ? "addrs, " : ""}close };
}
`;
}

function transportOnFunction(service: Service, chosen: readonly ServeTransport[]): string {
  const clients = chosen.filter((t) => t.client !== undefined);
  if (!publishesOnly(service) || clients.length === 0) return "";
  const base = baseName(service.name);
  const listening = chosen.filter((t) => t.listens === true).map((t) => JSON.stringify(t.id));
  const connection = listening.length > 0 ? `Exclude<${base}Connection, { readonly transport: ${listening.join(" | ")} }>` : `${base}Connection`;
  const asyncs = clients.some((t) => t.client?.awaits === true);
  const defer = clients.some((t) => t.client?.defers === true) ? "defer" : "_defer";
  return `
/**
 * Client endpoints that publish each event on a connection another service's \`serve\` opened
 * (its \`EndpointsOn\`), under \`options.prefix\`: events answered on the broker they came from.
 * Kafka's topics and SQS's queues are created first; what to close is given to \`defer\`.
 *
 * @param connection - the broker connection
 * @param ${defer} - takes what to close with that connection${defer === "defer" ? "" : " (nothing, here)"}
 * @param options - \`prefix\`, and Kafka's options and partitions
 */
export ${asyncs ? "async " : ""}function ${camel(base)}TransportOn(connection: ${connection}, ${defer}: (close: () => Promise<unknown>) => void, options: ${base}ServeOptions = {}): ${asyncs ? `Promise<${base}Endpoints>` : `${base}Endpoints`} {
  const prefix = options.prefix ?? ${JSON.stringify(kebab(base))};
${clientsBody(clients)}
}
`;
}

/** The body of \`<service>TransportOn\`: a switch on the connection's transport, or the one client's statements. */
function clientsBody(clients: readonly ServeTransport[]): string {
  const [only] = clients;
  if (clients.length === 1 && only !== undefined) return (only.client?.statements ?? "").replace(/^ {4}/gm, "");
  return `  switch (connection.transport) {
${clients.map((t) => `    case ${JSON.stringify(t.id)}: {\n${t.client?.statements ?? ""}\n    }`).join("\n")}
  }`;
}

/**
 * `<base>.serve.ts`: `serve<Service>`, which starts each transport given an address or URL
 * (HTTP, gRPC, JSON-RPC listeners; NATS, AMQP, MQTT, Redis Streams, Kafka, SQS connections),
 * and `close()`, which stops them last started first.
 */
export function emitServe(service: Service, head: string, transports: readonly string[]): string {
  const chosen = servedTransports(transports);
  return `${imports(service, head, chosen)}${declarations(service, chosen)}${serveFunction(service, chosen)}${transportOnFunction(service, chosen)}${chosen.map((t) => t.start(service, chosen.map((c) => c.id))).join("")}`;
}
