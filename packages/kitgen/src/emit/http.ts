import type { Field, Method, Service, WireType } from "../model.ts";
import { baseName, kebab, pascal } from "../names.ts";
import { importFrom } from "./header.ts";
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

// Kit's disclosure rule, which the generated server applies before transport-http sees an error.
const disclosedFunction = `/** Kit's disclosure rule: an error that is not a \`KitError\` reaches the wire as \`internal\` "internal error"; its text stays in \`cause\`. */
function disclosed<Req, Res>(endpoint: Endpoint<Req, Res>): Endpoint<Req, Res> {
  return async (ctx, request) => {
    try {
      return await endpoint(ctx, request);
    } catch (err) {
      throw publicError(err);
    }
  };
}`;

function scalarKind(type: WireType): "string" | "number" | "boolean" {
  if (type.kind === "number" || type.kind === "boolean") return type.kind;
  if (type.kind === "literal") return typeof type.value === "number" ? "number" : typeof type.value === "boolean" ? "boolean" : "string";
  if (type.kind === "union" && type.members[0] !== undefined && type.members.every((m) => m.kind === "literal" && typeof m.value === typeof (type.members[0] as { value: unknown }).value)) {
    return scalarKind(type.members[0]);
  }
  return "string";
}

/** \`.name\`, or \`["name"]\` when it is not an identifier. */
function prop(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
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

function patternOf(m: Method): string {
  const escaped = m.http.path.split(/\{[^}]*\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return `/^${escaped.join("([^/]+)")}$/`;
}

function decoder(m: Method): string {
  const P = pascal(m.name);
  const params = pathParams(m);
  const query = hasBody(m) ? [] : m.args.filter((a) => !params.includes(a.name));
  const lines = [
    `async function decode${P}(_ctx: Context, req: IncomingMessage): Promise<${P}Request> {`,
    `  const url = new URL(req.url ?? "/", "http://localhost");`,
    params.length > 0 ? `  const match = ${m.name}Pattern.exec(url.pathname) ?? [];` : "",
    hasBody(m) ? `  const raw = bodyObject(await readJSON(req));` : `  const raw: Record<string, unknown> = {};`,
    ...params.map((p, i) => `  raw${prop(p)} = scalar(pathSegment(match[${i + 1}]), ${JSON.stringify(scalarKind(argType(m, p)))});`),
    ...query.map((a: Field) => `  fromQuery(url, raw, ${JSON.stringify(a.name)}, ${JSON.stringify(scalarKind(a.type))});`),
    `  return validate(${schemaName(m.name, "Request")}, raw);`,
    "}",
  ];
  return lines.filter((l) => l !== "").join("\n");
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

const helpers = {
  readJSON: `async function readJSON(req: IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"];
  if (type !== undefined && !/^application\\/(?:[\\w.+-]+\\+)?json\\b/i.test(type)) {
    throw new KitError(Code.InvalidArgument, \`unsupported content-type \${JSON.stringify(type)}: want application/json\`);
  }
  return jsonCodec.decode(await readBody(req));
}`,
  bodyObject: `function bodyObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new KitError(Code.InvalidArgument, "expected a JSON object");
  return { ...(value as Record<string, unknown>) };
}`,
  pathSegment: `function pathSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    throw new KitError(Code.InvalidArgument, "malformed path parameter");
  }
}`,
  scalar: `function scalar(text: string, kind: "string" | "number" | "boolean"): unknown {
  if (kind === "number") return text.trim() === "" || Number.isNaN(Number(text)) ? text : Number(text);
  if (kind === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}`,
  pathOf: `/** The request's path without its query; for an absolute-form target (\`http://host/sum\`, as sent to a proxy), its URL's path. */
function pathOf(target: string): string {
  if (!target.startsWith("/")) {
    try {
      return new URL(target).pathname;
    } catch {
      return target;
    }
  }
  const q = target.indexOf("?");
  return q === -1 ? target : target.slice(0, q);
}`,
  fromQuery: `function fromQuery(url: URL, raw: Record<string, unknown>, name: string, kind: "string" | "number" | "boolean"): void {
  const text = url.searchParams.get(name);
  if (text !== null) raw[name] = scalar(text, kind);
}`,
};

/** `<base>.http.ts`: one route per method and a client transport. */
export function emitHttp(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const custom = service.methods.filter((m) => !isPlain(m));
  const code: string[] = [];
  for (const m of custom) {
    if (pathParams(m).length > 0) code.push(`const ${m.name}Pattern = ${patternOf(m)};`, "");
    code.push(decoder(m), "", encoder(m), "");
  }
  const customText = code.join("\n");
  const used = Object.entries(helpers).filter(([name]) => name === "pathOf" || new RegExp(`\\b${name}\\(`).test(customText) || (name === "scalar" && customText.includes("fromQuery(")));
  const transportHttp = ["client", "decodeJSONResponse", "encodeError", "encodeJSON", "server", "type ClientOptions", "type DecodeRequest", "type DecodeResponse", "type ErrorEncoder", "type ServerOptions"];
  if (service.methods.some(isPlain)) transportHttp.push("decodeJSON", "encodeJSONRequest");
  if (custom.length > 0) transportHttp.push("type OutgoingRequest");
  if (used.some(([n]) => n === "readJSON")) transportHttp.push("readBody");
  const transport = [...(used.some(([n]) => n === "readJSON") ? ["jsonCodec"] : []), "publicError", ...(custom.length > 0 ? ["validate"] : [])];
  const schemas = service.methods.flatMap((m) => [schemaName(m.name, "Request"), schemaName(m.name, "Response")]);
  const types = service.methods.flatMap((m) => [`${pascal(m.name)}Request`, `${pascal(m.name)}Response`]);
  const out = [
    head,
    importFrom("type { IncomingMessage, ServerResponse }", "node:http"),
    importFrom("{ background, Code, KitError, type Context, type Endpoint }", "@kit/endpoint"),
    importFrom(`{ ${transport.join(", ")} }`, "@kit/transport"),
    importFrom(`{ ${transportHttp.sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} }`, "@kit/transport-http"),
    importFrom(`type { ${[`${base}Endpoints`, ...types].join(", ")} }`, `./${file}.endpoints.ts`),
    importFrom(`{ ${schemas.join(", ")} }`, `./${file}.validators.ts`),
    "",
    encodeResponseFunction,
    "",
    disclosedFunction,
    "",
    ...used.map(([, text]) => `${text}\n`),
    customText,
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
  return `type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Options for {@link httpHandler}: \`@kit/transport-http\` server options for every route, and what differs per route. */
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
  readonly notFound?: (req: IncomingMessage, res: ServerResponse, path: string) => void;
}`;
}

function handler(service: Service): string {
  const base = baseName(service.name);
  const exact = service.methods.filter((m) => pathParams(m).length === 0);
  const patterned = service.methods.filter((m) => pathParams(m).length > 0);
  const decode = (m: Method): string => `decoders.${m.name} ?? ${isPlain(m) ? `decodeJSON(${schemaName(m.name, "Request")})` : `decode${pascal(m.name)}`}`;
  const serve = (m: Method): string => `server(disclosed(endpoints.${m.name}), ${decode(m)}, ${responseEncoder(m, "encodeResponse")}, routeOptions(${JSON.stringify(m.name)}, ${JSON.stringify(m.http.path)}))`;
  return `/**
 * The HTTP server of every method: a plain Node \`(req, res)\` handler (node:http, Express,
 * Fastify). Each method has one route: \`POST /<kebab-name>\` with the request object as JSON, or
 * its \`@http\` route (\`ANY\`: every HTTP method); a success is 200 with the result as JSON (204 for \`void\`), a bad request
 * 400 \`invalid_argument\` naming the field, an unknown route 404, an error that is not a
 * \`KitError\` 500 \`internal\` without its text (the error handler sees it as the \`cause\`).
 *
 * @param endpoints - the endpoints to serve, from \`makeEndpoints\`
 * @param options - \`@kit/transport-http\` server options for every route; \`routeOptions\`, one route's;
 *   \`decoders\`, a method's own request decoder; \`notFound\`, what answers a request no route matches
 */
export function httpHandler(endpoints: ${base}Endpoints, options: HttpHandlerOptions = {}): Handler {
  const { decoders = {}, routeOptions: perRoute, notFound, ...shared } = options;
  const routeOptions = (method: keyof ${base}Endpoints, route: string): ServerOptions => ({ ...shared, ...perRoute?.(method, route) });
  const exact = new Map<string, Handler>([
${exact.map((m) => `    [${JSON.stringify(`${m.http.method} ${m.http.path}`)}, ${serve(m)}],`).join("\n")}
  ]);
  const patterned: (readonly [string, RegExp, Handler])[] = [
${patterned.map((m) => `    [${JSON.stringify(m.http.method)}, ${m.name}Pattern, ${serve(m)}],`).join("\n")}
  ];
  const encodeNotFound = shared.errorEncoder ?? encodeError;
  return (req, res) => {
    const path = pathOf(req.url ?? "/");
    const method = req.method ?? "GET";
    const found =
      exact.get(\`\${method} \${path}\`) ?? exact.get(\`ANY \${path}\`) ?? patterned.find(([m, pattern]) => (m === method || m === "ANY") && pattern.test(path))?.[2];
    if (found !== undefined) {
      found(req, res);
      return;
    }
    if (notFound !== undefined) {
      notFound(req, res, path);
      return;
    }
    const shown = path.length > 100 ? \`\${path.slice(0, 100)}…\` : path;
    answerNotFound(new KitError(Code.NotFound, \`no route for \${method} \${shown}\`), res, encodeNotFound);
  };
}

/**
 * Answers a request no route matches with the errorEncoder; if that throws or rejects, the
 * default encoder answers instead (as \`@kit/transport-http\`'s server does), or the connection
 * is closed when the headers are already out.
 */
function answerNotFound(err: KitError, res: ServerResponse, encode: ErrorEncoder): void {
  const fallBack = (): void => {
    if (res.headersSent) res.destroy();
    else encodeError(background(), err, res);
  };
  try {
    const written = encode(background(), err, res);
    if (written !== undefined) written.catch(fallBack);
  } catch {
    fallBack();
  }
}`;
}

function transportFn(service: Service): string {
  const base = baseName(service.name);
  const lines = service.methods.map((m) => {
    const P = pascal(m.name);
    const url = isPlain(m) ? `at(base, ${JSON.stringify(m.http.path)})` : "at(base, \"\")";
    const enc = isPlain(m) ? "encodeJSONRequest" : `encode${P}`;
    return `    ${m.name}: client<${P}Request, ${P}Response>(${JSON.stringify(clientMethod(m))}, ${url}, ${enc}, decoders.${m.name} ?? decodeJSONResponse(${schemaName(m.name, "Response")}), clientOptions),`;
  });
  const decoders = service.methods.map((m) => `    readonly ${m.name}?: DecodeResponse<${pascal(m.name)}Response>;`);
  return `function at(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = url.pathname.replace(/\\/+$/, "") + path;
  url.search = "";
  url.hash = "";
  return url;
}

/** Options for {@link httpTransport}: \`@kit/transport-http\` client options for every method, and a method's own response decoder. */
export interface HttpTransportOptions extends ClientOptions {
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
  const { decoders = {}, ...clientOptions } = options;
  const base = new URL(baseUrl);
  return {
${lines.join("\n")}
  };
}`;
}
