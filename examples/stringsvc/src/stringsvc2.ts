// stringsvc2: stringsvc1 with a logging and an instrumenting middleware, and /metrics for
// Prometheus. Go kit's examples/stringsvc2.
//
//   node src/stringsvc2.ts [--listen 127.0.0.1:8080]
import * as log from "@kit/log";
import { metricsHandler, prometheus } from "@kit/metrics-prometheus";
import { closeServer, exitOnSignal, flags, listen } from "./cli.ts";
import { makeCountEndpoint, makeUppercaseEndpoint } from "./endpoints.ts";
import { httpHandler } from "./http.ts";
import { instrumentingMiddleware, stringMetrics } from "./instrumenting.ts";
import { loggingMiddleware } from "./logging.ts";
import { stringService } from "./service.ts";

const { listen: addr } = flags({ listen: "127.0.0.1:8080" }, "usage: node src/stringsvc2.ts [--listen host:port]");
const logger = log.logfmtLogger(process.stderr);
const metrics = prometheus();

let svc = stringService();
svc = loggingMiddleware(logger)(svc);
svc = instrumentingMiddleware(stringMetrics(metrics))(svc);

const endpoints = { uppercase: makeUppercaseEndpoint(svc), count: makeCountEndpoint(svc) };
const handler = httpHandler(endpoints, logger, { "/metrics": metricsHandler(metrics.registry) });

const server = await listen(handler, addr, logger);
exitOnSignal(() => closeServer(server));
