import { exportFrom, importFrom } from "./header.ts";
import type { Service } from "../model.ts";
import { baseName, kebab } from "../names.ts";

/** `<base>.middleware.ts`: Go kit addsvc's logging and instrumenting middleware, per method. */
export function emitMiddleware(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const unary = service.methods.some((m) => m.stream === undefined);
  const imports = [
    importFrom(`{ ${unary ? "observe, " : ""}type MiddlewareOptions }`, "@kit/metrics/middleware"),
    importFrom(`type { ${base}Endpoints }`, `./${file}.endpoints.ts`),
  ];
  return `${head}${imports.join("\n")}

${exportFrom("type { Logger, MiddlewareOptions }", "@kit/metrics/middleware")}

/**
 * Wraps every endpoint with logging and instrumenting middleware labelled with its method's
 * name, as Go kit's addsvc does: logging outermost, then metrics.${service.methods.some((m) => m.stream !== undefined) ? " Streaming endpoints pass\n * through unwrapped." : ""}
 *
 * @param endpoints - the endpoints, from \`makeEndpoints\` or a transport
 * @param ${unary ? "" : "_"}options - the logger and the metrics provider${unary ? "" : " (streams take none)"}
 */
${unary ? "" : "// eslint-disable-next-line @typescript-eslint/no-unused-vars -- every service's withMiddleware takes them; streams pass through\n"}export function withMiddleware(endpoints: ${base}Endpoints, ${unary ? "" : "_"}options: MiddlewareOptions): ${base}Endpoints {
  return {
${service.methods.map((m) => (m.stream === undefined ? `    ${m.name}: observe(options, ${JSON.stringify(m.name)}, endpoints.${m.name}),` : `    ${m.name}: endpoints.${m.name}, // a stream passes through`)).join("\n")}
  };
}
`;
}
