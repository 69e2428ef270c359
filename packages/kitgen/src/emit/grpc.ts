import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { messageNames, type ProtoModel } from "../proto-model.ts";
import { importFrom } from "./header.ts";
import { carriesErrors, encodeAnswer, errorFieldHelpers, transportOptions } from "./grpc-error-field.ts";
import { isEvent } from "./message-parts.ts";
import { protoPackage, protoService } from "./proto-file.ts";
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

/** Whether a service has a unary method, which \`grpcServe\`'s \`decoders\` may decode. */
function hasUnary(service: Service): boolean {
  return service.methods.some((m) => m.stream === undefined);
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
  const unary = service.methods.filter((m) => m.stream === undefined).map((m) => `${pascal(m.name)}Request`);
  const carried = service.errorField === undefined ? [] : [importFrom("{ Code, isKitError, KitError, type Endpoint }", "@kit/endpoint")];
  return [
    head,
    importFrom("type { Client, MethodDefinition, Server }", "@grpc/grpc-js"),
    ...carried,
    importFrom("{ validate }", "@kit/transport"),
    importFrom(`{ ${grpcFunctions(service).join(", ")}, type ClientOptions, ${unary.length > 0 ? "type DecodeRequest, " : ""}type ServerOptions }`, "@kit/transport-grpc"),
    importFrom(`type { ${[`${baseName(service.name)}Endpoints`, ...unary].join(", ")} }`, `./${file}.endpoints.ts`),
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
    path: ${JSON.stringify(`/${protoPackage(service)}.${protoService(service)}/${pascal(m.name)}`)},
    originalName: ${JSON.stringify(m.name)},
    requestStream: ${m.stream === "client" || m.stream === "bidi"},
    responseStream: ${m.stream === "server" || m.stream === "bidi"},
    requestSerialize: ${serialize(n.request)},
    requestDeserialize: (bytes) => decode${n.request}(bytes),
    responseSerialize: ${serialize(n.response)},
    responseDeserialize: (bytes) => decode${n.response}(bytes),
  },`;
}

/** The fields of the reply for \`response\`: a wrapper message holds a non-object result in its field. */
function replyFields(m: Method, response: string): string {
  if (isEvent(m)) return "";
  return m.result.kind === "object" ? `...${response}` : `${m.resultField ?? "value"}: ${response}`;
}

/** The server's response encoder; for a reply that carries errors, of the endpoint's answer. */
function encodeResponse(service: Service, m: Method): string {
  if (service.errorField !== undefined && carriesErrors(service, m)) return encodeAnswer(service.errorField, m, replyFields(m, "answer.response"));
  if (isEvent(m)) return "() => ({})";
  return m.result.kind === "object" ? "(_ctx, response) => response" : `(_ctx, response) => ({ ${replyFields(m, "response")} })`;
}

/** The client's response decoder: the validator on the message (or its \`value\`), after the carried error's check. */
function decodeResponse(service: Service, m: Method): string {
  // With a @resultField, the response's validator reads the wrapper itself, as it does in JSON.
  const wire = m.result.kind === "object" || m.resultField !== undefined ? "message" : "message.value";
  const result = isEvent(m) ? "undefined" : `validate(${schemaName(m.name, "Response")}, ${wire})`;
  if (carriesErrors(service, m)) return `(_ctx, message) => {\n      throwCarried(message, errorCode);\n      return ${result};\n    }`;
  return isEvent(m) ? "() => undefined" : `(_ctx, message) => ${result}`;
}

/** The server's handler of a method: its decoder (the validator, or the one \`decoders\` gives) and its encoder. */
function handler(service: Service, m: Method): string {
  const message = wrapsRequest(m) ? "message.value" : "message";
  const validated = `(_ctx, message: Obj) => validate(${schemaName(m.name, "Request")}, ${message})`;
  const decode = m.stream === undefined ? `decoders.${m.name} ?? (${validated})` : validated;
  const endpoint = carriesErrors(service, m) ? `answerErrors(endpoints.${m.name})` : `endpoints.${m.name}`;
  return `    ${pascal(m.name)}: ${kindOf(m).server}(${endpoint}, ${decode}, ${encodeResponse(service, m)}, serverOptions),`;
}

/** The declaration of \`grpcServe\`'s options: every method's server options, and the unary methods' own decoders. */
function serveOptions(service: Service): string {
  const entries = service.methods.filter((m) => m.stream === undefined).map((m) => `    readonly ${m.name}?: DecodeRequest<Obj, ${pascal(m.name)}Request>;`);
  if (entries.length === 0) return "\n/** Options for {@link grpcServe}: the server options of every method. */\nexport type GrpcServeOptions = ServerOptions;\n";
  return `
/** Options for {@link grpcServe}: the server options of every method, and a unary method's own request decoder. */
export interface GrpcServeOptions extends ServerOptions {
  /**
   * A unary method's own request decoder in place of its validator, from the message as the
   * protobuf codec reads it: for a request the service checks itself.
   */
  readonly decoders?: {
${entries.join("\n")}
  };
}
`;
}

/** `<base>.grpc.ts`: the service definition with kitgen's protobuf codec, its server handlers and its client endpoints. */
export function emitGrpc(service: Service, model: ProtoModel, head: string): string {
  const base = baseName(service.name);
  const def = `${camel(base)}ServiceDefinition`;
  const handlers = service.methods.map((m) => handler(service, m));
  const clients = service.methods.map((m) => {
    const schema = schemaName(m.name, "Request");
    const encode = wrapsRequest(m) ? `async (_ctx, request): Promise<Obj> => ({ value: await validate(${schema}, request) })` : `async (_ctx, request): Promise<Obj> => ({ ...(await validate(${schema}, request)) })`;
    return `    ${m.name}: ${kindOf(m).client}(conn, ${def}.${pascal(m.name)}, ${encode}, ${decodeResponse(service, m)}, ${service.errorField === undefined ? "options" : "clientOptions"}),`;
  });
  const field = service.errorField;
  const transportType = field === undefined ? "ClientOptions" : "GrpcTransportOptions";
  const transportBody = field === undefined ? "" : "\n  const { errorCode = () => Code.Unknown, ...clientOptions } = options;";
  return `${imports(service, head)}${field === undefined ? "" : errorFieldHelpers(field)}
/**
 * The gRPC definition of ${service.name} (\`${protoPackage(service)}.${protoService(service)}\` in \`${kebab(base)}.proto\`), with
 * kitgen's protobuf codec: nothing is loaded at run time.
 */
export const ${def} = {
${service.methods.map((m) => definitionEntry(service, model, m)).join("\n")}
} satisfies Record<string, MethodDefinition<Obj, Obj>>;
${serveOptions(service)}${field === undefined ? "" : transportOptions(field)}
/**
 * Adds ${service.name} to a grpc-js server: each method's request is checked by its validator
 * (\`invalid_argument\` naming the field), then served by its endpoint.
 *
 * @param grpcServer - the grpc-js \`Server\`
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - hooks, error handler and encoder for every method; \`decoders\`, a method's own request decoder${field === undefined ? "" : `
 *
 * A \`KitError\` a unary method's endpoint throws is answered with status OK: the reply's zero value
 * with the error's message in \`${field}\`. Anything else it throws is a gRPC status.`}
 */
export function grpcServe(grpcServer: Server, endpoints: ${base}Endpoints, options: GrpcServeOptions = {}): void {
  ${hasUnary(service) ? "const { decoders = {}, ...serverOptions } = options;" : "const serverOptions = options;"}
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
 * @param options - hooks and call options for every method${field === undefined ? "" : `; \`errorCode\`, the code of a reply's non-empty \`${field}\`, thrown as a \`KitError\``}
 */
export function grpcTransport(conn: Client, options: ${transportType} = {}): ${base}Endpoints {${transportBody}
  return {
${clients.join("\n")}
  };
}
`;
}
