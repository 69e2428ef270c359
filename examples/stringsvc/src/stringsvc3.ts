// stringsvc3: stringsvc2 that proxies uppercase to other instances (breaker, rate limit, round
// robin, retry). Go kit's examples/stringsvc3.
//
//   node src/stringsvc3.ts [--listen 127.0.0.1:8080] [--proxy host:port,host:port] [--max-time ms]
//
// --max-time is the time for a proxied call's attempts together: Go kit's 250 ms by default, or
// STRINGSVC_MAX_TIME (the README's test gives more on a loaded machine).
import * as log from "@kit/log";
import { metricsHandler, prometheus } from "@kit/metrics-prometheus";
import { closeServer, exitOnSignal, flags, listen } from "./cli.ts";
import { makeCountEndpoint, makeUppercaseEndpoint } from "./endpoints.ts";
import { httpHandler } from "./http.ts";
import { instrumentingMiddleware, stringMetrics } from "./instrumenting.ts";
import { loggingMiddleware } from "./logging.ts";
import { proxyingMiddleware } from "./proxying.ts";
import { stringService } from "./service.ts";

const usage = "usage: node src/stringsvc3.ts [--listen host:port] [--proxy host:port,…] [--max-time ms]";
const defaults = { listen: "127.0.0.1:8080", proxy: "", "max-time": process.env.STRINGSVC_MAX_TIME ?? "250" };
const { listen: addr, proxy, "max-time": maxTime } = flags(defaults, usage);
if (!(Number(maxTime) > 0)) {
  process.stderr.write(`--max-time must be a number of milliseconds > 0, got ${JSON.stringify(maxTime)}\n${usage}\n`);
  process.exit(2);
}
let logger = log.logfmtLogger(process.stderr);
logger = log.with(logger, "listen", addr, "caller", log.defaultCaller);
const metrics = prometheus();

const instances = proxy.split(",").map((s) => s.trim()).filter((s) => s !== "");
let svc = stringService();
svc = proxyingMiddleware(instances, logger, { maxTime: Number(maxTime) })(svc);
svc = loggingMiddleware(logger)(svc);
svc = instrumentingMiddleware(stringMetrics(metrics))(svc);

const endpoints = { uppercase: makeUppercaseEndpoint(svc), count: makeCountEndpoint(svc) };
const handler = httpHandler(endpoints, logger, { "/metrics": metricsHandler(metrics.registry) });

const server = await listen(handler, addr, logger);
exitOnSignal(() => closeServer(server));
