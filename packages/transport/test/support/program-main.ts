// A program on runProgram, for src/program/run-program.test.ts: its transports' flags are
// `--http-addr` and `--nats-url`, it reads `--zipkin-url` too, and it prints what it was given.
// `--fail-start` makes its start fail after deferring one close; `--fail-close` makes that close fail.
import { runProgram } from "../../src/program.ts";

interface Options {
  readonly http?: string | undefined;
  readonly nats?: string | undefined;
}

const logger = {
  log: (...keyvals: unknown[]): void => {
    console.log(keyvals.map((v) => (v instanceof Error ? v.message : String(v))).join(" "));
  },
};

/** A close that logs `closed <which>`. */
function closing(which: string): Promise<void> {
  logger.log("closed", which);
  return Promise.resolve();
}

await runProgram<Options>(
  {
    logger,
    program: "orders",
    flags: { "zipkin-url": "Zipkin's spans URL", "fail-start": "fail the start", "fail-close": "fail the close" },
    defaults: { "http-addr": "127.0.0.1:8081" },
    start: (options, flag, defer) => {
      const serving = setInterval(() => undefined, 60_000); // what a listener does: keeps the process up
      defer(() => {
        clearInterval(serving);
        return Promise.resolve();
      });
      defer(() => closing("first"));
      defer(() => (flag("fail-close") === undefined ? closing("last") : Promise.reject(new Error("close refused"))));
      logger.log("http", options.http, "nats", options.nats, "zipkin", flag("zipkin-url"));
      return flag("fail-start") === undefined ? Promise.resolve() : Promise.reject(new Error("no broker"));
    },
  },
  { options: { "http-addr": "http", "nats-url": "nats" }, help: { "http-addr": "HTTP's host:port", "nats-url": "the NATS servers" } },
);
