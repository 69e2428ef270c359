import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry, RegistryContentType } from "prom-client";

/**
 * A plain Node request handler that serves `registry` in the Prometheus text format (or
 * OpenMetrics, if the registry is set to it): `GET` and `HEAD` answer 200 with
 * `registry.contentType` and `registry.metrics()`; other methods 405 with `Allow: GET, HEAD`;
 * a failing collector 500 with its message. It does not look at the path, so mount it where
 * scrapes go: as `node:http`'s listener, on any router that passes Node's `req` and `res`, or
 * on Express. The returned promise is handled inside: nothing is left to reject.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const serve = metricsHandler(metrics.registry);
 * createServer((req, res) => {
 *   if (req.url === "/metrics") serve(req, res);
 *   else res.writeHead(404).end();
 * }).listen(9090);
 * // Express: app.get("/metrics", metricsHandler(metrics.registry));
 * ```
 */
export function metricsHandler(registry: Registry<RegistryContentType>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serve(registry, req, res);
  };
}

async function serve(registry: Registry<RegistryContentType>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("method not allowed\n");
    return;
  }
  let body: string;
  try {
    body = await registry.metrics();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
    res.end(`collecting metrics failed: ${message}\n`);
    return;
  }
  res.writeHead(200, { "content-type": registry.contentType, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}
