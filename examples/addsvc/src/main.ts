// addsvc's entry point, Go kit's cmd/addsvc: `pnpm --filter addsvc start` (`node src/main.ts`).
//
//   node src/main.ts [--http-addr host:port]     HTTP_ADDR=host:port node src/main.ts
//
// Listens on 127.0.0.1:8081 unless told otherwise, serves Prometheus metrics at /metrics, logs
// logfmt to stdout, and on SIGINT or SIGTERM stops accepting, finishes the requests in flight
// and exits 0.
import { parseArgs } from "node:util";
import * as log from "@kit/log";
import { parseAddr, start } from "./app.ts";

const usage = "usage: node src/main.ts [--http-addr host:port]   (or HTTP_ADDR; default 127.0.0.1:8081)";

let logger = log.logfmtLogger(process.stdout);
logger = log.with(logger, "ts", log.defaultTimestampUTC, "caller", log.defaultCaller);

let httpAddr: string;
try {
  const { values } = parseArgs({ options: { "http-addr": { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  httpAddr = values["http-addr"] ?? process.env.HTTP_ADDR ?? "127.0.0.1:8081";
} catch (err) {
  console.error(`${(err as Error).message}\n${usage}`);
  process.exit(2);
}

let host: string;
let port: number;
try {
  ({ host, port } = parseAddr(httpAddr));
} catch (err) {
  logger.log("exit", err);
  process.exit(2);
}

// Listen for the signals first, so one that comes while starting up still ends in a clean exit.
// Later signals change nothing: runners such as pnpm pass a Ctrl-C on, so the process gets
// SIGINT twice, and the shutdown is bounded by start()'s grace period anyway.
const signalled = new Promise<NodeJS.Signals>((resolve) => {
  process.on("SIGINT", resolve);
  process.on("SIGTERM", resolve);
});

let app: Awaited<ReturnType<typeof start>>;
try {
  app = await start({ host, port, logger });
} catch (err) {
  logger.log("exit", err);
  process.exit(1);
}

const signal = await signalled;
logger.log("msg", "shutting down", "signal", signal);
await app.close();
logger.log("exit", signal);
