import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { messageNames, type ProtoModel } from "../proto-model.ts";
import { importFrom } from "./header.ts";
import { isEvent } from "./message-parts.ts";
import { protoPackage } from "./proto-file.ts";
import { schemaName } from "./validators.ts";

/** The function of transport-grpc that serves, and the one that calls, each kind of method. */
const kinds = {
  unary: { server: "server", client: "client" },
  server: { server: "serverStream", client: "serverStreamClient" },
  client: { server: "clientStream", client: "clientStreamClient" },
  bidi: { server: "bidiStream", client: "bidiStreamClient" },
} as const;

function kindOf(m: Method): (typeof kinds)[keyof typeof kinds] {
  return kinds[m.stream ?? "unary"];
}

/** The functions the file imports from transport-grpc, sorted. */
function grpcFunctions(service: Service): string[] {
  return [...new Set(["bindService", ...service.methods.flatMap((m) => [kindOf(m).server, kindOf(m).client])])].sort();
}

/** Whether a method's requests (each element of a stream) travel in a wrapper's \`value\`: not an object. */
function wrapsRequest(m: Method): boolean {
  return (m.stream === "client" || m.stream === "bidi") && m.args[0]?.type.kind !== "object";
}

function imports(service: Service, head: string): string {
  const file = kebab(baseName(service.name));
  const codec = service.methods.flatMap((m) => {
    const n = messageNames(m);
    return [`decode${n.request}`, `decode${n.response}`, `encode${n.request}`, `encode${n.response}`];
  });
  return [
    head,
    importFrom("type { Client, MethodDefinition, Server }", "@grpc/grpc-js"),
    importFrom("{ validate }", "@kit/transport"),
    importFrom(`{ ${grpcFunctions(service).join(", ")}, type ClientOptions, type ServerOptions }`, "@kit/transport-grpc"),
    importFrom(`type { ${baseName(service.name)}Endpoints }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${codec.join(", ")}, type Obj }`, `./${file}.pb.ts`),
    importFrom(`{ ${service.methods.flatMap((m) => [schemaName(m.name, "Request"), ...(isEvent(m) ? [] : [schemaName(m.name, "Response")])]).join(", ")} }`, `./${file}.validators.ts`),
    "",
  ].join("\n");
}

function definitionEntry(service: Service, model: ProtoModel, m: Method): string {
  const n = messageNames(m);
  const empty = (name: string): boolean => model.messages.find((message) => message.name === name)?.fields.length === 0;
  const serialize = (name: string): string => (empty(name) ? `() => Buffer.from(encode${name}())` : `(value) => Buffer.from(encode${name}(value))`);
  return `  ${pascal(m.name)}: {
    path: ${JSON.stringify(`/${protoPackage(service)}.${service.name}/${pascal(m.name)}`)},
    originalName: ${JSON.stringify(m.name)},
    requestStream: ${m.stream === "client" || m.stream === "bidi"},
    responseStream: ${m.stream === "server" || m.stream === "bidi"},
    requestSerialize: ${serialize(n.request)},
    requestDeserialize: (bytes) => decode${n.request}(bytes),
    responseSerialize: ${serialize(n.response)},
    responseDeserialize: (bytes) => decode${n.response}(bytes),
  },`;
}

/** The server's response encoder: a wrapper message holds a non-object result in `value`. */
function encodeResponse(m: Method): string {
  if (isEvent(m)) return "() => ({})";
  return m.result.kind === "object" ? "(_ctx, response) => response" : `(_ctx, response) => ({ ${m.resultField ?? "value"}: response })`;
}

/** The client's response decoder: the validator on the message (or its `value`). */
function decodeResponse(m: Method): string {
  if (isEvent(m)) return "() => undefined";
  // With a @resultField, the response's validator reads the wrapper itself, as it does in JSON.
  const wire = m.result.kind === "object" || m.resultField !== undefined ? "message" : "message.value";
  return `(_ctx, message) => validate(${schemaName(m.name, "Response")}, ${wire})`;
}

/** `<base>.grpc.ts`: the service definition with kitgen's protobuf codec, its server handlers and its client endpoints. */
export function emitGrpc(service: Service, model: ProtoModel, head: string): string {
  const base = baseName(service.name);
  const def = `${camel(base)}ServiceDefinition`;
  const handlers = service.methods.map((m) => {
    const message = wrapsRequest(m) ? "message.value" : "message";
    return `    ${pascal(m.name)}: ${kindOf(m).server}(endpoints.${m.name}, (_ctx, message: Obj) => validate(${schemaName(m.name, "Request")}, ${message}), ${encodeResponse(m)}, options),`;
  });
  const clients = service.methods.map((m) => {
    const schema = schemaName(m.name, "Request");
    const encode = wrapsRequest(m) ? `async (_ctx, request): Promise<Obj> => ({ value: await validate(${schema}, request) })` : `async (_ctx, request): Promise<Obj> => ({ ...(await validate(${schema}, request)) })`;
    return `    ${m.name}: ${kindOf(m).client}(conn, ${def}.${pascal(m.name)}, ${encode}, ${decodeResponse(m)}, options),`;
  });
  return `${imports(service, head)}
/**
 * The gRPC definition of ${service.name} (\`${protoPackage(service)}.${service.name}\` in \`${kebab(base)}.proto\`), with
 * kitgen's protobuf codec: nothing is loaded at run time.
 */
export const ${def} = {
${service.methods.map((m) => definitionEntry(service, model, m)).join("\n")}
} satisfies Record<string, MethodDefinition<Obj, Obj>>;

/**
 * Adds ${service.name} to a grpc-js server: each method's request is checked by its validator
 * (\`invalid_argument\` naming the field), then served by its endpoint.
 *
 * @param grpcServer - the grpc-js \`Server\`
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - hooks, error handler and encoder for every method
 */
export function grpcServe(grpcServer: Server, endpoints: ${base}Endpoints, options: ServerOptions = {}): void {
  bindService(grpcServer, ${def}, {
${handlers.join("\n")}
  });
}

/**
 * Client endpoints that call each method over gRPC, checking each request (protobuf cannot
 * carry what its validator refuses, such as 2.5 in an \`int32\`) and each reply with its validator.
 * Give them to \`${camel(base)}Client\` for a typed client.
 *
 * @param conn - a grpc-js \`Client\` connected to the server
 * @param options - hooks and call options for every method
 */
export function grpcTransport(conn: Client, options: ClientOptions = {}): ${base}Endpoints {
  return {
${clients.join("\n")}
  };
}
`;
}
