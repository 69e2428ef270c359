import type { Method, Service } from "../model.ts";
import { baseName, camel, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import { isEvent } from "./message-parts.ts";
import { schemaName } from "./validators.ts";

/** The default JSON-RPC name of a method: `<service>.<method>`, as the interface spells them (`inventory.getItem`). */
function jsonRpcDefaultName(service: Service, m: Method): string {
  return `${camel(baseName(service.name))}.${m.name}`;
}

function imports(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const answering = service.methods.some((m) => !isEvent(m));
  const events = service.methods.some(isEvent);
  const jsonrpc = [
    ...(answering ? ["client"] : []),
    "type DecodeParams",
    ...(answering ? ["type DecodeResult"] : []),
    "type EncodeResult",
    "type JsonRpcClientOptions",
    "type JsonRpcMethod",
    "type JsonRpcServerOptions",
    "type MethodCodec",
    "type MethodTable",
    ...(events ? ["notifier"] : []),
    ...(service.methods.some((m) => m.resultField === undefined) ? ["resultAsIs"] : []),
    "server",
  ];
  const types = service.methods.flatMap((m) => [`${pascal(m.name)}Request`, `${pascal(m.name)}Response`]);
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), ...(isEvent(m) ? [] : [schemaName(m.name, "Response")])]);
  return [
    head,
    importFrom("type { IncomingMessage, ServerResponse }", "node:http"),
    importFrom(`{ Code, ${answering ? "isKitError, " : ""}KitError, type Context, type Endpoint }`, "@kit/endpoint"),
    importFrom("{ validate, type Schema }", "@kit/transport"),
    importFrom(`{ ${jsonrpc.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} }`, "@kit/transport-jsonrpc"),
    importFrom(`type { ${[`${base}Endpoints`, ...types].join(", ")} }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`),
    "",
  ].join("\n");
}

/** The generated helpers every JSON-RPC file has: params by position or by name, the table's entries. */
const serverHelpers = `/** A call's params as the request object: by name (an object) as they are, by position (an array) given the arguments' names, none as \`{}\`. */
function byName(params: unknown, args: readonly string[]): unknown {
  if (params === undefined) return {};
  if (!Array.isArray(params)) return params;
  const values = params as unknown[];
  if (values.length > args.length) {
    const want = args.length === 0 ? "no params" : \`at most \${args.length} params (\${args.join(", ")})\`;
    throw new KitError(Code.InvalidArgument, \`expected \${want}, got \${values.length}\`);
  }
  return Object.fromEntries(values.map((value, i) => [args[i], value]));
}

/** The params decoder of a method: its request object checked by its validator (\`invalid_argument\` naming the field, which the server answers -32602). */
function paramsDecoder<Req>(schema: Schema<Req>, args: readonly string[]): DecodeParams<Req> {
  return (_ctx, params) => validate(schema, byName(params, args));
}

/** One entry of the method table; its request and response types must agree. */
function codec<Req, Res>(endpoint: Endpoint<Req, Res>, decode: DecodeParams<Req>, encode: EncodeResult<Res>): MethodCodec<Req, Res> {
  return { endpoint, decode, encode };
}

/** The method table of \`entries\`; two methods under one name (from \`names\`) are an error. */
function tableOf(entries: readonly (readonly [string, MethodTable[string]])[]): MethodTable {
  const seen = new Set<string>();
  for (const [name] of entries) {
    if (seen.has(name)) throw new Error(\`two methods are served as the JSON-RPC method \${JSON.stringify(name)}: give each its own name\`);
    seen.add(name);
  }
  return Object.fromEntries(entries);
}
`;

const resultHelper = `/** The result decoder of a method: its validator; a result that does not fit is \`internal\` (the server's fault, not the caller's), naming the method and the field. */
function resultDecoder<Res>(schema: Schema<Res>, method: string): DecodeResult<Res> {
  return async (_ctx, result) => {
    try {
      return await validate(schema, result);
    } catch (err) {
      if (!isKitError(err) || err.code !== Code.InvalidArgument) throw err;
      throw new KitError(Code.Internal, \`invalid result of \${method}: \${err.message}\`, { ...(err.details === undefined ? {} : { details: err.details }), cause: err });
    }
  };
}
`;

const clientHelpers = `/** A call's params: the request object, by name. */
function asParams(_ctx: Context, request: unknown): unknown {
  return request;
}
`;

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
    const decode = `decoders.${m.name} ?? paramsDecoder(${schemaName(m.name, "Request")}, ${args})`;
    return `    [jsonRpcName(names, ${JSON.stringify(m.name)}), codec(endpoints.${m.name}, ${decode}, ${resultEncoder(m)})],`;
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
  return tableOf([
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
    const decode = isEvent(m) ? "() => undefined" : `decoders.${m.name} ?? resultDecoder(${schemaName(m.name, "Response")}, name(${JSON.stringify(m.name)}))`;
    return `    ${m.name}: { name: name(${JSON.stringify(m.name)}), encode: asParams, decode: ${decode} },`;
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
  const answering = service.methods.some((m) => !isEvent(m));
  return [
    imports(service, head),
    declarations(service),
    serverHelpers,
    ...(answering ? [resultHelper] : []),
    clientHelpers,
    serverFunctions(service),
    clientFunctions(service),
  ].join("\n");
}
