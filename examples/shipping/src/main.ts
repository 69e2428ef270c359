// The shipping sample's entry point, Go kit's shipping/main.go.
//
//   node src/main.ts [--http.addr 127.0.0.1:8080] [--service.routing http://127.0.0.1:7878]
//
// PORT and ROUTINGSERVICE_URL give the defaults, as in Go kit. Logs logfmt to stderr; stops on
// SIGINT or SIGTERM.
import http from "node:http";
import { parseArgs } from "node:util";
import * as log from "@kit/log";
import { shippingApp } from "./app.ts";

const { values } = parseArgs({ options: { "http.addr": { type: "string" }, "service.routing": { type: "string" } } });
const addr = values["http.addr"] ?? `127.0.0.1:${process.env.PORT ?? "8080"}`;
const routingURL = values["service.routing"] ?? process.env.ROUTINGSERVICE_URL ?? "http://127.0.0.1:7878";

let logger = log.logfmtLogger(process.stderr);
logger = log.with(logger, "ts", log.defaultTimestampUTC);

const app = shippingApp({ routingURL, logger });
const colon = addr.lastIndexOf(":");
const server = http.createServer(app.handler).listen(Number(addr.slice(colon + 1)), addr.slice(0, colon) || undefined, () => {
  logger.log("transport", "http", "address", addr, "msg", "listening");
});

const stop = (signal: string): void => {
  logger.log("terminated", signal);
  app.close();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
