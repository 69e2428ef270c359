import { importFrom } from "./header.ts";
import type { Service } from "../model.ts";
import { baseName, kebab } from "../names.ts";

/** `<base>.middleware.ts`: Go kit addsvc's logging and instrumenting middleware, per method. */
export function emitMiddleware(service: Service, head: string): string {
  const base = baseName(service.name);
  const file = kebab(base);
  const imports = [
    importFrom("type { Endpoint }", "@kit/endpoint"),
    importFrom("{ instrument, type Provider }", "@kit/metrics"),
    importFrom(`type { ${base}Endpoints }`, `./${file}.endpoints.ts`),
  ];
  return `${head}${imports.join("\n")}

/** Where the logging middleware writes: anything with Go kit's \`log(...keyvals)\`, such as \`@kit/log\`'s loggers. */
export interface Logger {
  /** Writes one record of alternating keys and values. */
  log(...keyvals: unknown[]): void;
}

/** What {@link withMiddleware} wires in; each part is optional. */
export interface MiddlewareOptions {
  /** Gets \`method\`, \`err\` (\`null\` on success) and \`took_ms\` for every call. */
  readonly logger?: Logger;
  /** Records \`requests_total\`, \`request_duration_seconds\` and \`requests_in_flight\` by \`endpoint\` (the method). */
  readonly metrics?: Provider;
}

function logged<Req, Res>(logger: Logger, method: string, next: Endpoint<Req, Res>): Endpoint<Req, Res> {
  return async (ctx, request) => {
    const begin = performance.now();
    let err: unknown = null;
    try {
      return await next(ctx, request);
    } catch (thrown) {
      err = thrown;
      throw thrown;
    } finally {
      logger.log("method", method, "err", err, "took_ms", Math.round((performance.now() - begin) * 1000) / 1000);
    }
  };
}

${service.methods.every((m) => m.stream !== undefined) ? "/** Wraps one unary endpoint (this service's methods all stream, and pass through). */\nexport " : ""}function wrap<Req, Res>(options: MiddlewareOptions, method: string, next: Endpoint<Req, Res>): Endpoint<Req, Res> {
  const measured = options.metrics === undefined ? next : instrument(options.metrics, { endpointName: method })(next);
  return options.logger === undefined ? measured : logged(options.logger, method, measured);
}

/**
 * Wraps every endpoint with logging and instrumenting middleware labelled with its method's
 * name, as Go kit's addsvc does: logging outermost, then metrics.${service.methods.some((m) => m.stream !== undefined) ? " Streaming endpoints pass\n * through unwrapped." : ""}
 *
 * @param endpoints - the endpoints, from \`makeEndpoints\` or a transport
 * @param options - the logger and the metrics provider
 */
export function withMiddleware(endpoints: ${base}Endpoints, options: MiddlewareOptions): ${base}Endpoints {
  return {
${service.methods.map((m) => (m.stream === undefined ? `    ${m.name}: wrap(options, ${JSON.stringify(m.name)}, endpoints.${m.name}),` : `    ${m.name}: endpoints.${m.name}, // a stream passes through`)).join("\n")}
  };
}
`;
}
