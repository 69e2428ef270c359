import type { Method, Service, WireType } from "../model.ts";
import { baseName, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
import { errorFieldHelpers } from "./http-error-field.ts";
import { responseEncoder } from "./message-parts.ts";
import { schemaName } from "./validators.ts";

/**
 * The one place generated code calls `@kit/transport-http`'s `EncodeResponse` shape
 * (`(ctx, res, response)` on main). When that argument order changes, change this template
 * (and nothing else) and run `kitgen gen` again.
 */
export const encodeResponseFunction = `/** Writes an endpoint's response as JSON: the one call of transport-http's \`EncodeResponse\` shape. */
function encodeResponse(ctx: Context, response: unknown, res: ServerResponse): void {
  encodeJSON(ctx, response, res);
}`;

function scalarKind(type: WireType): "string" | "number" | "boolean" {
  if (type.kind === "number" || type.kind === "boolean") return type.kind;
  if (type.kind === "literal") return typeof type.value === "number" ? "number" : typeof type.value === "boolean" ? "boolean" : "string";
  if (type.kind === "union" && type.members[0] !== undefined && type.members.every((m) => m.kind === "literal" && typeof m.value === typeof (type.members[0] as { value: unknown }).value)) {
    return scalarKind(type.members[0]);
  }
  return "string";
}

/** An expression of a scalar as text: itself for a string, else \`String(...)\`. */
function text(expr: string, type: WireType): string {
  return scalarKind(type) === "string" ? expr : `String(${expr})`;
}

function pathParams(m: Method): string[] {
  return [...m.http.path.matchAll(/\{([^}]*)\}/g)].map((x) => x[1] ?? "");
}

function isPlain(m: Method): boolean {
  return (m.http.method === "POST" || m.http.method === "ANY") && pathParams(m).length === 0;
}

/** The method the client sends: POST for a route that takes \`ANY\`. */
function clientMethod(m: Method): string {
  return m.http.method === "ANY" ? "POST" : m.http.method;
}

function hasBody(m: Method): boolean {
  return m.http.method !== "GET" && m.http.method !== "DELETE";
}

/** The `decodeFields` call that reads a method's request from its path values, query and body. */
function fieldsDecoder(m: Method): string {
  const params = pathParams(m);
  const kinds = (names: readonly string[]): string => `{ ${names.map((n) => `${n}: ${JSON.stringify(scalarKind(argType(m, n)))}`).join(", ")} }`;
  const query = hasBody(m) ? [] : m.args.filter((a) => !params.includes(a.name)).map((a) => a.name);
  const sources = [
    ...(params.length > 0 ? [`path: ${kinds(params)}`] : []),
    ...(query.length > 0 ? [`query: ${kinds(query)}`] : []),
    ...(hasBody(m) ? ["body: true"] : []),
  ];
  return `decodeFields(${schemaName(m.name, "Request")}, ${sources.length === 0 ? "{}" : `{ ${sources.join(", ")} }`})`;
}

function argType(m: Method, name: string): WireType {
  return m.args.find((a) => a.name === name)?.type ?? { kind: "string" };
}

function encoder(m: Method): string {
  const P = pascal(m.name);
  const params = pathParams(m);
  const rest = m.args.filter((a) => !params.includes(a.name));
  const path = m.http.path.replace(/\{([^}]*)\}/g, (_all, name: string) => `\${encodeURIComponent(${text(`request.${name}`, argType(m, name))})}`);
  const lines = [
    `function encode${P}(_ctx: Context, request: ${P}Request, outgoing: OutgoingRequest): void {`,
    `  outgoing.url.pathname = \`\${outgoing.url.pathname.replace(/\\/+$/, "")}${path}\`;`,
  ];
  if (hasBody(m)) {
    lines.push(`  outgoing.headers.set("content-type", "application/json; charset=utf-8");`);
    lines.push(`  outgoing.body = JSON.stringify({ ${rest.map((a) => `${a.name}: request.${a.name}`).join(", ")} });`);
  } else {
    for (const a of rest) {
      const set = `outgoing.url.searchParams.set(${JSON.stringify(a.name)}, ${text(`request.${a.name}`, a.type)})`;
      lines.push(a.optional ? `  if (request.${a.name} !== undefined) ${set};` : `  ${set};`);
    }
  }
  lines.push("}");
  return lines.join("\n");
}

/** Under `@goJSON`, the request decoder of Go kit's servers: the body as JSON whatever its content-type. */
const decodeAnyJSONFunction = `/** The body as JSON whatever its content-type, as Go kit's decoders read it, checked by \`schema\`. */
function decodeAnyJSON<T>(schema: Schema<T>): DecodeRequest<T> {
  return async (_ctx, req) => validate(schema, jsonCodec.decode(await readBody(req)));
}`;

/** `<base>.http.ts`: one route per method, served by `@kit/transport-http`'s router, and a client transport. */
export function emitHttp(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const custom = service.methods.filter((m) => !isPlain(m));
  const transportHttp = ["client", "decodeJSONResponse", "encodeJSON", "routeURL", "router", "server", "type ClientOptions", "type DecodeRequest", "type DecodeResponse", "type Handler", "type ServerOptions", "type Unrouted"];
  if (service.methods.some(isPlain)) transportHttp.push(service.goJSON === undefined ? "decodeJSON" : "readBody", "encodeJSONRequest");
  if (custom.length > 0) transportHttp.push("decodeFields", "type OutgoingRequest");
  const go = service.goJSON !== undefined && service.methods.some(isPlain);
  const field = service.jsonErrorField;
  if (field !== undefined) transportHttp.push("decodeError", "errorStatus", "type ErrorDecoder");
  const transport = [...(go ? ["jsonCodec", "validate", "type Schema"] : []), ...(field === undefined ? [] : ["codeFromHttpStatus"])];
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), schemaName(m.name, "Response")]);
  const types = service.methods.flatMap((m) => [`${pascal(m.name)}Request`, `${pascal(m.name)}Response`]);
  const out = [
    head,
    importFrom("type { ServerResponse }", "node:http"),
    importFrom(field === undefined ? "type { Context }" : "{ isCode, KitError, type Code, type Context }", "@kit/endpoint"),
    ...(transport.length > 0 ? [importFrom(`{ ${transport.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} }`, "@kit/transport")] : []),
    importFrom(`{ ${transportHttp.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} }`, "@kit/transport-http"),
    importFrom(`type { ${[`${base}Endpoints`, ...types].join(", ")} }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`),
    "",
    encodeResponseFunction,
    "",
    ...(go ? [decodeAnyJSONFunction, ""] : []),
    ...(field === undefined ? [] : [errorFieldHelpers(field), ""]),
    ...custom.map((m) => `${encoder(m)}\n`),
    handlerOptions(service),
    "",
    handler(service),
    "",
    transportFn(service),
  ];
  return `${out.join("\n")}\n`;
}

/** The declaration of \`httpHandler\`'s options: server options for every route and per method, a method's own decoder, the not-found handler. */
function handlerOptions(service: Service): string {
  const base = baseName(service.name);
  const decoders = service.methods.map((m) => `    readonly ${m.name}?: DecodeRequest<${pascal(m.name)}Request>;`);
  return `/** Options for {@link httpHandler}: \`@kit/transport-http\` server options for every route, and what differs per route. */
export interface HttpHandlerOptions extends ServerOptions {
  /**
   * A method's own request decoder in place of the generated one (JSON checked by the
   * validator): for a request the service checks itself, or a body that is not JSON.
   */
  readonly decoders?: {
${decoders.join("\n")}
  };
  /** Server options for one method's route (\`@kit/tracing\`'s \`httpServerTrace({ route })\`, say); an option given here replaces the shared one. */
  readonly routeOptions?: (method: keyof ${base}Endpoints, route: string) => ServerOptions;
  /**
   * Answers a request no route matches (\`/metrics\`, say), given its path without the query (of
   * an absolute-form target too); default: 404 \`not_found\` through the \`errorEncoder\`.
   */
  readonly notFound?: Unrouted;
}`;
}

/** The router pattern of a method's route; an `ANY` route is a pattern without a method, which matches every method. */
function routePattern(m: Method): string {
  return m.http.method === "ANY" ? m.http.path : `${m.http.method} ${m.http.path}`;
}

function handler(service: Service): string {
  const base = baseName(service.name);
  const json = service.goJSON === undefined ? "decodeJSON" : "decodeAnyJSON";
  const decode = (m: Method): string => `decoders.${m.name} ?? ${isPlain(m) ? `${json}(${schemaName(m.name, "Request")})` : fieldsDecoder(m)}`;
  const serve = (m: Method): string => `server(endpoints.${m.name}, ${decode(m)}, ${responseEncoder(m, "encodeResponse")}, routeOptions(${JSON.stringify(m.name)}, ${JSON.stringify(m.http.path)}))`;
  return `/**
 * The HTTP server of every method: a plain Node \`(req, res)\` handler (node:http, Express,
 * Fastify), \`@kit/transport-http\`'s \`router\`. Each method has one route: \`POST /<kebab-name>\`
 * with the request object as JSON, or its \`@http\` route (\`ANY\`: every HTTP method; \`GET\` also
 * answers \`HEAD\`); a success is 200 with the result as JSON (204 for \`void\`), a bad request 400
 * \`invalid_argument\` naming the field, an unknown path 404, a known path with another method
 * 405 with \`allow\`, an error that is not a \`KitError\` 500 \`internal\` without its text (the
 * error handler sees it).
 *
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - \`@kit/transport-http\` server options for every route; \`routeOptions\`, one route's;
 *   \`decoders\`, a method's own request decoder; \`notFound\`, what answers a request no route matches
 */
export function httpHandler(endpoints: ${base}Endpoints, options: HttpHandlerOptions = {}): Handler {
  const { decoders = {}, routeOptions: perRoute, notFound, ...${service.jsonErrorField === undefined ? "shared" : "given"} } = options;${service.jsonErrorField === undefined ? "" : "\n  const shared: ServerOptions = { errorEncoder: encodeErrorBody, ...given };"}
  const routeOptions = (method: keyof ${base}Endpoints, route: string): ServerOptions => ({ ...shared, ...perRoute?.(method, route) });
  return router(
    {
${service.methods.map((m) => `      ${JSON.stringify(routePattern(m))}: ${serve(m).replaceAll("\n", "\n  ")},`).join("\n")}
    },
    { notFound, errorEncoder: shared.errorEncoder },
  );
}`;
}

function transportFn(service: Service): string {
  const base = baseName(service.name);
  const lines = service.methods.map((m) => {
    const P = pascal(m.name);
    const url = `routeURL(baseUrl, ${JSON.stringify(isPlain(m) ? m.http.path : "")})`;
    const enc = isPlain(m) ? "encodeJSONRequest" : `encode${P}`;
    return `    ${m.name}: client<${P}Request, ${P}Response>(${JSON.stringify(clientMethod(m))}, ${url}, ${enc}, decoders.${m.name} ?? decodeJSONResponse(${schemaName(m.name, "Response")}), clientOptions),`;
  });
  const decoders = service.methods.map((m) => `    readonly ${m.name}?: DecodeResponse<${pascal(m.name)}Response>;`);
  return `/** Options for {@link httpTransport}: \`@kit/transport-http\` client options for every method, and a method's own response decoder. */
export interface HttpTransportOptions extends ClientOptions {${service.jsonErrorField === undefined ? "" : `
  /** The code of an error whose body has only \`${service.jsonErrorField}\`, by its message (Go kit's errors); \`undefined\`: the status's. */
  readonly errorCode?: (message: string) => Code | undefined;`}
  /** A method's own decoder of a successful response, in place of the generated one (JSON checked by the validator). */
  readonly decoders?: {
${decoders.join("\n")}
  };
}

/**
 * Client endpoints that call an \`httpHandler\` server at \`baseUrl\` (a path in it is kept as a
 * prefix). Give them to the generated client for a typed service: errors come back as
 * \`KitError\`s with the server's codes; a response that fails its schema is \`internal\`.
 *
 * @param baseUrl - the server, such as \`"http://127.0.0.1:8080"\`
 * @param options - \`@kit/transport-http\` client options for every method; \`decoders\`, a method's own response decoder
 */
export function httpTransport(baseUrl: string | URL, options: HttpTransportOptions = {}): ${base}Endpoints {
  const { decoders = {}, ${service.jsonErrorField === undefined ? "...clientOptions } = options;" : "errorCode = () => undefined, ...given } = options;\n  const clientOptions: ClientOptions = { errorDecoder: decodeErrorBody(errorCode), ...given };"}
  return {
${lines.join("\n")}
  };
}`;
}
