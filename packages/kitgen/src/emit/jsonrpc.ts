import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import { isEvent } from "./message-parts.ts";
import { schemaName } from "./validators.ts";

/** The default JSON-RPC name of a method: `<service>.<method>`, as the interface spells them (`inventory.getItem`). */
function jsonRpcDefaultName(service: Service, m: Method): string {
  return `${camel(baseName(service.name))}.${m.name}`;
}

/** Under `@goJSON`, Go kit's params decoder: the params as sent, checked by the validator (an array is Go's to refuse). */
const goParamsFunction = `
/**
 * The params as sent, checked by \`schema\` as Go kit's server unmarshals them: what it refuses is
 * \`invalid_argument\` with Go's message alone, as Go kit answers it; no params are \`invalid_argument\`.
 */
function goParams<T>(schema: Schema<T>): DecodeParams<T> {
  return async (_ctx, params) => {
    if (params === undefined) throw new KitError(Code.InvalidArgument, "params: required");
    const result = await schema["~standard"].validate(params);
    if (result.issues === undefined) return result.value;
    throw new KitError(Code.InvalidArgument, result.issues.map((issue) => issue.message).join("; "));
  };
}`;

function imports(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const answering = service.methods.some((m) => !isEvent(m));
  const events = service.methods.some(isEvent);
  const jsonrpc = [
    ...(service.goJSON === undefined ? ["checkedParams"] : []),
    ...(answering ? ["checkedResult", "client"] : []),
    "type DecodeParams",
    ...(answering ? ["type DecodeResult"] : []),
    "type JsonRpcClientOptions",
    "type JsonRpcMethod",
    "type JsonRpcServerOptions",
    "methodCodec",
    "methodTable",
    "type MethodTable",
    ...(events ? ["notifier"] : []),
    "requestAsParams",
    ...(service.methods.some((m) => m.resultField === undefined) ? ["resultAsIs"] : []),
    "server",
  ];
  const types = service.methods.flatMap((m) => [`${pascal(m.name)}Request`, `${pascal(m.name)}Response`]);
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), ...(isEvent(m) ? [] : [schemaName(m.name, "Response")])]);
  return [
    head,
    importFrom("type { IncomingMessage, ServerResponse }", "node:http"),
    ...(service.goJSON === undefined ? [] : [importFrom("{ Code, KitError }", "@kit/endpoint"), importFrom("type { Schema }", "@kit/transport")]),
    importFrom(`{ ${jsonrpc.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} }`, "@kit/transport-jsonrpc"),
    importFrom(`type { ${[`${base}Endpoints`, ...types].join(", ")} }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`),
    ...(service.goJSON === undefined ? [] : [goParamsFunction]),
    "",
  ].join("\n");
}

function declarations(service: Service): string {
  const base = baseName(service.name);
  const names = service.methods.map((m) => `  ${m.name}: ${JSON.stringify(jsonRpcDefaultName(service, m))},`);
  const params = service.methods.map((m) => `    readonly ${m.name}?: DecodeParams<${pascal(m.name)}Request>;`);
  const results = service.methods.filter((m) => !isEvent(m)).map((m) => `    readonly ${m.name}?: DecodeResult<${pascal(m.name)}Response>;`);
  const methods = service.methods.map((m) => `  readonly ${m.name}: JsonRpcMethod<${pascal(m.name)}Request, ${pascal(m.name)}Response>;`);
  return `/** The default JSON-RPC method of each method: \`<service>.<method>\`, as the interface spells them. */
export const ${camel(base)}JsonRpcNames: Readonly<Record<keyof ${base}Endpoints, string>> = {
${names.join("\n")}
};

/** JSON-RPC methods in place of the default ones, by method. */
type Names = Partial<Record<keyof ${base}Endpoints, string>>;

function jsonRpcName(names: Names | undefined, method: keyof ${base}Endpoints): string {
  return names?.[method] ?? ${camel(base)}JsonRpcNames[method];
}

/** Options for {@link jsonRpcMethodTable}: method names, and a method's own params decoder. */
export interface JsonRpcTableOptions {
  /** Replaces the JSON-RPC method of some methods. */
  readonly names?: Names;
  /**
   * A method's own params decoder in place of the generated one (the request object, by name or
   * by position, checked by the validator): for params the service checks itself. What it throws
   * is answered -32602 Invalid params.
   */
  readonly decoders?: {
${params.join("\n")}
  };
}

/** Options for {@link jsonRpcHandler}: \`@kit/transport-jsonrpc\` server options, method names and decoders. */
export interface JsonRpcHandlerOptions extends JsonRpcServerOptions, JsonRpcTableOptions {}

/** Each method as a JSON-RPC client calls it, its name and codecs: for {@link jsonRpcTransport}, and \`@kit/transport-jsonrpc\`'s \`batch\` and \`call\`. */
export interface ${base}JsonRpcMethods {
${methods.join("\n")}
}

/** Options for {@link jsonRpcClientMethods}: method names${results.length === 0 ? "" : ", and a method's own result decoder"}. */
export interface JsonRpcCallOptions {
  /** Replaces the JSON-RPC method of some methods. */
  readonly names?: Names;${
    results.length === 0
      ? ""
      : `
  /** A method's own decoder of a call's \`result\`, in place of the generated one (checked by the validator). */
  readonly decoders?: {
${results.join("\n")}
  };`
  }
}

/** Options for {@link jsonRpcTransport}: \`@kit/transport-jsonrpc\` client options for every method, method names and result decoders. */
export interface JsonRpcTransportOptions extends JsonRpcClientOptions, JsonRpcCallOptions {}
`;
}

/** The server's encoder of a method's response: the result as it is, or in its `@resultField`. */
function resultEncoder(m: Method): string {
  return m.resultField === undefined ? "resultAsIs" : `(_ctx, response) => ({ ${m.resultField}: response })`;
}

function serverFunctions(service: Service): string {
  const base = baseName(service.name);
  const entry = (m: Method): string => {
    const args = `[${m.args.map((a) => JSON.stringify(a.name)).join(", ")}]`;
    const check = service.goJSON === undefined ? `checkedParams(${schemaName(m.name, "Request")}, ${args})` : `goParams(${schemaName(m.name, "Request")})`;
    const decode = `decoders.${m.name} ?? ${check}`;
    return `    [jsonRpcName(names, ${JSON.stringify(m.name)}), methodCodec(endpoints.${m.name}, ${decode}, ${resultEncoder(m)})],`;
  };
  return `/**
 * The method table of every method for \`@kit/transport-jsonrpc\`'s \`server\`: each method under
 * its JSON-RPC name (default \`<service>.<method>\`), its params the arguments by name (an object)
 * or by position (an array), checked by the validator, its result the method's result. Spread
 * it with other tables to serve several services on one URL.
 *
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - method names; \`decoders\`, a method's own params decoder
 */
export function jsonRpcMethodTable(endpoints: ${base}Endpoints, options: JsonRpcTableOptions = {}): MethodTable {
  const { names, decoders = {} } = options;
  return methodTable([
${service.methods.map(entry).join("\n")}
  ]);
}

/**
 * The JSON-RPC 2.0 server of every method: a plain Node \`(req, res)\` handler (node:http,
 * Express, Fastify) answering POSTed calls, batches and notifications on any path. Params that
 * do not fit are -32602 Invalid params naming the field, an unknown method -32601, a
 * \`KitError\` the error of its code with the code in \`error.data.code\`, any other error
 * -32603 without its text (the error handler sees it).
 *
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - \`@kit/transport-jsonrpc\` server options; method names; \`decoders\`, a method's own params decoder
 */
export function jsonRpcHandler(endpoints: ${base}Endpoints, options: JsonRpcHandlerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return server(jsonRpcMethodTable(endpoints, options), options);
}
`;
}

function clientFunctions(service: Service): string {
  const base = baseName(service.name);
  const method = (m: Method): string => {
    const decode = isEvent(m) ? "() => undefined" : `decoders.${m.name} ?? checkedResult(${schemaName(m.name, "Response")}, name(${JSON.stringify(m.name)}))`;
    return `    ${m.name}: { name: name(${JSON.stringify(m.name)}), encode: requestAsParams, decode: ${decode} },`;
  };
  const endpoint = (m: Method): string => `    ${m.name}: ${isEvent(m) ? "notifier" : "client"}(url, methods.${m.name}, options),`;
  const events = service.methods.filter(isEvent).map((m) => m.name);
  const decoders = events.length === service.methods.length ? "" : "  const decoders = options.decoders ?? {};\n";
  const eventNote =
    events.length === 0
      ? ""
      : `\n * A method resolving to \`void\` (${events.join(", ")}) is sent as a notification: it resolves once\n * the server has run it, and its errors go only to the server's error handler.`;
  return `/**
 * Each method as a JSON-RPC client calls it: its name, its request object as params by name,
 * its result checked by the validator. Give them to \`@kit/transport-jsonrpc\`'s \`call\` to send
 * several calls in one \`batch\`.
 *
 * @param options - method names; \`decoders\`, a method's own result decoder
 */
export function jsonRpcClientMethods(options: JsonRpcCallOptions = {}): ${base}JsonRpcMethods {
${decoders}  const name = (method: keyof ${base}Endpoints): string => jsonRpcName(options.names, method);
  return {
${service.methods.map(method).join("\n")}
  };
}

/**
 * Client endpoints that call a \`jsonRpcHandler\` server at \`url\`, each call one JSON-RPC request.
 * Give them to \`${camel(base)}Client\` for a typed service: errors come back as \`KitError\`s with the
 * server's codes; a result that fails its validator is \`internal\`.${eventNote}
 *
 * @param url - the server, such as \`"http://127.0.0.1:8080/rpc"\`
 * @param options - \`@kit/transport-jsonrpc\` client options for every method; method names; \`decoders\`, a method's own result decoder
 */
export function jsonRpcTransport(url: string | URL, options: JsonRpcTransportOptions = {}): ${base}Endpoints {
  const methods = jsonRpcClientMethods(options);
  return {
${service.methods.map(endpoint).join("\n")}
  };
}
`;
}

/** `<base>.jsonrpc.ts`: the method table and handler for `@kit/transport-jsonrpc`'s server, and a client transport. */
export function emitJsonRpc(service: Service, head: string): string {
  return [imports(service, head), declarations(service), serverFunctions(service), clientFunctions(service)].join("\n");
}
