import { importFrom } from "./header.ts";
import type { Method, Service } from "../model.ts";
import { baseName, camel, pascal } from "../names.ts";

/** The request object a method's arguments make: `{ sku, opts? }`. */
function requestType(service: string, m: Method): string {
  if (m.stream === "client" || m.stream === "bidi") {
    return `export type ${pascal(m.name)}Request = Parameters<${service}[${JSON.stringify(m.name)}]>[1] extends AsyncIterable<infer T> ? T : never;`;
  }
  if (m.args.length === 0) return `export type ${pascal(m.name)}Request = Record<string, never>;`;
  const fields = m.args.map((a, i) => `  readonly ${a.name}${a.optional ? "?" : ""}: Parameters<${service}[${JSON.stringify(m.name)}]>[${i + 1}];`);
  return [`export interface ${pascal(m.name)}Request {`, ...fields, "}"].join("\n");
}

/** The response type: what the promise resolves to, or a stream's element type. */
function responseType(service: string, m: Method): string {
  const result = `ReturnType<${service}[${JSON.stringify(m.name)}]>`;
  if (m.stream === "server" || m.stream === "bidi") return `export type ${pascal(m.name)}Response = ${result} extends AsyncIterable<infer T> ? T : never;`;
  return `export type ${pascal(m.name)}Response = Awaited<${result}>;`;
}

/** The endpoint type of a method: \`Endpoint\`, or one of the streaming endpoints. */
export function endpointType(m: Method): string {
  const kind = { server: "ServerStreamEndpoint", client: "ClientStreamEndpoint", bidi: "BidiStreamEndpoint" }[m.stream ?? "server"];
  return `${m.stream === undefined ? "Endpoint" : kind}<${pascal(m.name)}Request, ${pascal(m.name)}Response>`;
}

/** Whether a method takes its requests as a stream (client or bidi streaming). */
export function streamsRequests(m: Method): boolean {
  return m.stream === "client" || m.stream === "bidi";
}

/** The call of the service method with the request's fields as arguments. */
function callArgs(m: Method): string {
  return ["ctx", ...m.args.map((a) => `request.${a.name}`)].join(", ");
}

/** The request object built from a client call's arguments. */
export function requestFromArgs(m: Method): string {
  if (m.args.length === 0) return "{}";
  const parts = m.args.map((a) => (a.optional ? `...(${a.name} === undefined ? {} : { ${a.name} })` : a.name));
  return `{ ${parts.join(", ")} }`;
}

/** `<base>.endpoints.ts`: request and response types, `makeEndpoints`, and the client over any endpoint set. */
export function emitEndpoints(service: Service, head: string, sourceImport: string): string {
  const s = service.name;
  const base = baseName(s);
  const kinds = [...new Set(service.methods.map((m) => endpointType(m).split("<")[0] ?? ""))].sort();
  const out = [head, importFrom(`type { Context, ${kinds.join(", ")} }`, "@kit/endpoint"), importFrom(`type { ${s} }`, sourceImport), ""];
  for (const m of service.methods) {
    out.push(
      `/** ${m.name}'s arguments after the context, as one request object. */`,
      requestType(s, m),
      "",
      `/** What ${m.name} ${m.stream === "server" || m.stream === "bidi" ? "streams, each element" : "resolves to"}. */`,
      responseType(s, m),
      "",
    );
  }
  out.push(
    `/** One endpoint per method of ${s}: served by the transports, or called by {@link ${camel(base)}Client}. */`,
    `export interface ${base}Endpoints {`,
    ...service.methods.map((m) => `  readonly ${m.name}: ${endpointType(m)};`),
    "}",
    "",
    `/** The methods of ${s}, in declaration order. */`,
    `export const ${camel(base)}Methods = [${service.methods.map((m) => JSON.stringify(m.name)).join(", ")}] as const;`,
    "",
    `/**`,
    ` * The endpoints of a ${s}: each takes the method's request object and calls the method.`,
    ` *`,
    ` * @param service - the implementation`,
    ` */`,
    `export function makeEndpoints(service: ${s}): ${base}Endpoints {`,
    "  return {",
    ...service.methods.map((m) =>
      streamsRequests(m) ? `    ${m.name}: (ctx, requests) => service.${m.name}(ctx, requests),` : `    ${m.name}: (${m.args.length === 0 ? "ctx" : "ctx, request"}) => service.${m.name}(${callArgs(m)}),`,
    ),
    "  };",
    "}",
    "",
    `/**`,
    ` * A ${s} that calls the given endpoints: a transport's client endpoints (\`httpTransport(url)\`,`,
    ` * \`natsTransport(nc)\`) or \`makeEndpoints(impl)\`. Errors arrive as the transport gives them (\`KitError\`s).`,
    ` *`,
    ` * @param endpoints - one endpoint per method`,
    ` */`,
    `export function ${camel(base)}Client(endpoints: ${base}Endpoints): ${s} {`,
    "  return {",
    ...service.methods.map((m) => clientMethod(s, m)),
    "  };",
    "}",
  );
  return `${out.join("\n")}\n`;
}

function clientMethod(s: string, m: Method): string {
  if (streamsRequests(m)) return `    ${m.name}: (ctx: Context, requests: Parameters<${s}[${JSON.stringify(m.name)}]>[1]) => endpoints.${m.name}(ctx, requests),`;
  const call = `endpoints.${m.name}(ctx, ${requestFromArgs(m)})`;
  if (m.args.length > 3) {
    // More than four parameters would fail the common max-params lint rule: take them as a tuple.
    const names = ["ctx", ...m.args.map((a) => a.name)].join(", ");
    return `    ${m.name}: (...args: Parameters<${s}[${JSON.stringify(m.name)}]>) => {\n      const [${names}] = args;\n      return ${call};\n    },`;
  }
  const params = ["ctx: Context", ...m.args.map((a, i) => `${a.name}${a.optional ? "?" : ""}: Parameters<${s}[${JSON.stringify(m.name)}]>[${i + 1}]`)];
  return `    ${m.name}: (${params.join(", ")}) => ${call},`;
}
