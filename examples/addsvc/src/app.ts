// Wires addsvc together, as Go kit's cmd/addsvc does: service → endpoints (with logging and
// latency middleware) → HTTP transport → a listening node:http server. main.ts, the demo and
// the tests all start it through start().
import http from "node:http";
import type { AddressInfo } from "node:net";
import { newEndpointSet } from "./endpoints.ts";
import { httpHandler } from "./http.ts";
import type { DurationHistogram, DurationLabels, Logger } from "./middleware.ts";
import { newBasicService } from "./service.ts";

/** Where and how {@link start} runs addsvc. */
export interface StartOptions {
  /** The address to listen on; default `"127.0.0.1"`. */
  readonly host?: string;
  /** The port to listen on; default `8081`, Go kit's; `0` picks a free one. */
  readonly port?: number;
  /** Gets the startup line, one line per call (logging middleware) and one per transport error. */
  readonly logger: Logger;
  /** Gets one observation per call (latency middleware); default: none are kept. */
  readonly duration?: DurationHistogram;
  /** How long {@link App.close} waits for in-flight requests before cutting them off; default 5000 ms. */
  readonly shutdownGraceMs?: number;
}

/** A running addsvc, as {@link start} returns it. */
export interface App {
  /** The base URL to call, such as `http://127.0.0.1:8081`. */
  readonly url: string;
  /** The address it listens on, `host:port`, such as `127.0.0.1:8081`. */
  readonly addr: string;
  /**
   * Shuts the server down gracefully: it stops accepting connections, lets the requests in
   * flight finish (closing their connections once answered) and closes idle keep-alive
   * connections; anything still open after the grace period is cut. Resolves when every
   * connection is closed. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

const noDurations: DurationHistogram = { observe: () => undefined };

/**
 * Starts addsvc over HTTP, Go kit's `cmd/addsvc` wiring: the basic service, the endpoint set
 * with logging and latency middleware, and {@link httpHandler} on a `node:http` server. Logs
 * `transport=HTTP addr=<host:port>` once it listens.
 *
 * @param options - host, port, logger, latency histogram
 *
 * @example
 * ```ts
 * const app = await start({ host: "127.0.0.1", port: 0, logger });
 * const svc = httpClient(app.url);
 * // …
 * await app.close();
 * ```
 */
export async function start(options: StartOptions): Promise<App> {
  const { host = "127.0.0.1", port = 8081, logger, duration = noDurations, shutdownGraceMs = 5_000 } = options;
  const endpoints = newEndpointSet(newBasicService(), { logger, duration });
  const handler = httpHandler(endpoints, { logger });

  const inFlight = new Set<http.ServerResponse>();
  let closing: Promise<void> | undefined;
  const httpServer = http.createServer((req, res) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    // A request that arrives on a kept-alive connection while closing is still answered, and its
    // connection is then closed.
    if (closing !== undefined) res.setHeader("connection", "close");
    handler(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(port, host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const addr = `${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  logger.log("transport", "HTTP", "addr", addr);

  return {
    url: `http://${addr}`,
    addr,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const grace = setTimeout(() => {
          httpServer.closeAllConnections();
        }, shutdownGraceMs);
        httpServer.close(() => {
          clearTimeout(grace);
          resolve();
        });
        // node:http keeps a busy connection alive after its response unless told otherwise.
        for (const res of inFlight) if (!res.headersSent) res.setHeader("connection", "close");
        httpServer.closeIdleConnections();
      });
      return closing;
    },
  };
}

/** One row of a {@link DurationSummary}: the calls seen for one `method` and `success`. */
export interface DurationRow extends DurationLabels {
  /** How many calls were observed. */
  readonly count: number;
  /** Their total duration, in seconds. */
  readonly sumSeconds: number;
}

/** A {@link DurationHistogram} that keeps a count and a sum per label pair, and reports them. */
export interface DurationSummary extends DurationHistogram {
  /** The rows observed so far, in the order their labels were first seen. */
  rows(): readonly DurationRow[];
}

/**
 * The smallest honest stand-in for Go kit's `example_addsvc_request_duration_seconds` summary
 * until `@kit/metrics` exists: a count and a sum of seconds per `method` and `success`, kept in
 * memory (no quantiles, no exposition). `main.ts` logs it when it shuts down.
 *
 * @example
 * ```ts
 * const duration = durationSummary();
 * const app = await start({ logger, duration });
 * // later
 * for (const row of duration.rows()) logger.log("method", row.method, "count", row.count);
 * ```
 */
export function durationSummary(): DurationSummary {
  const rows = new Map<string, { method: string; success: "true" | "false"; count: number; sumSeconds: number }>();
  return {
    observe(seconds, { method, success }) {
      const key = `${method}\u0000${success}`;
      const row = rows.get(key) ?? { method, success, count: 0, sumSeconds: 0 };
      row.count += 1;
      row.sumSeconds += seconds;
      rows.set(key, row);
    },
    rows: () => Array.from(rows.values(), (row) => ({ ...row })),
  };
}

/**
 * Splits a listen address, Go's `host:port` (`127.0.0.1:8081`, `[::1]:8081`, `:8081`). An
 * empty host means `127.0.0.1`: unlike Go kit, whose `:8081` listens on every interface,
 * addsvc listens on loopback unless told otherwise.
 *
 * @param addr - the address, as given to `--http-addr` or `HTTP_ADDR`
 *
 * @example
 * ```ts
 * parseAddr("127.0.0.1:8081"); // { host: "127.0.0.1", port: 8081 }
 * parseAddr(":0"); // { host: "127.0.0.1", port: 0 }
 * ```
 */
export function parseAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(":");
  const portText = colon === -1 ? "" : addr.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new RangeError(`invalid address ${JSON.stringify(addr)}: want host:port, such as 127.0.0.1:8081`);
  }
  let host = addr.slice(0, colon);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  return { host: host === "" ? "127.0.0.1" : host, port: Number(portText) };
}
