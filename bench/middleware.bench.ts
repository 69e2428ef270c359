// What middleware costs an endpoint: the Sum endpoint bare, then wrapped in 1, 5 and 10
// middlewares of the three kinds a service stacks, called in process (no transport):
// - logging: a Go kit-style logging middleware (`took`, `transport_error`) writing logfmt to
//   @kit/log's logger over a writer that discards;
// - instrumenting: @kit/metrics' `instrument` on the in-memory provider (a counter, a
//   histogram and an in-flight gauge);
// - tracing: @kit/tracing's `traceEndpoint` on an OpenTelemetry SDK tracer whose exporter
//   drops the spans (sampled, so every span is made, ended and handed to a batch processor, as in production).
// The 5 and 10 rows cycle through the three kinds (logging, instrumenting, tracing, …).
//
// It prints ops/s per case (interleaved rounds, median), the time each middleware adds per
// call, and what five add as a share of one HTTP request's server CPU: the time a Kit HTTP
// server spends on a request, from `http.bench.ts` (BENCH_HTTP_CPU_US; by default 13.7 µs, raw
// node:http's figure on a quiet machine in issue 18). Target: five middlewares ≤ 10 % of that.
import { background, type Endpoint, type Middleware } from "@kit/endpoint";
import { logfmtLogger, type Logger } from "@kit/log";
import { instrument, memory } from "@kit/metrics";
import { traceEndpoint } from "@kit/tracing";
import { ExportResultCode } from "@opentelemetry/core";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { compareAsync } from "./async-harness.ts";
import { printTable } from "./harness.ts";

const HTTP_CPU_US = Number(process.env.BENCH_HTTP_CPU_US ?? 13.7);
const TARGET = 0.1;

interface Sum {
  a: number;
  b: number;
}
type SumEndpoint = Endpoint<Sum, { v: number }>;

const sum: SumEndpoint = (_ctx, { a, b }) => Promise.resolve({ v: a + b });

function logging(logger: Logger): Middleware<Sum, { v: number }> {
  return (next) => async (ctx, request) => {
    const begin = process.hrtime.bigint();
    let error: unknown = undefined;
    try {
      return await next(ctx, request);
    } catch (err) {
      error = err;
      throw err;
    } finally {
      logger.log("method", "sum", "transport_error", error, "took", Number(process.hrtime.bigint() - begin) / 1000);
    }
  };
}

const discarding: SpanExporter = {
  export(_spans: ReadableSpan[], done) {
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: () => Promise.resolve(),
};
const tracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discarding)] }).getTracer("bench");
const logger = logfmtLogger({ write: () => undefined });
const metrics = memory();

type Kind = () => Middleware<Sum, { v: number }>;
const logged: Kind = () => logging(logger);
const instrumented: Kind = () => instrument(metrics, { endpointName: "sum" });
const traced: Kind = () => traceEndpoint<Sum, { v: number }>("sum", { tracer });
const kinds: readonly Kind[] = [logged, instrumented, traced];

/** `sum` in `n` middlewares, cycling through the kinds. */
function wrapped(n: number): SumEndpoint {
  let endpoint = sum;
  for (let i = n - 1; i >= 0; i--) endpoint = (kinds[i % kinds.length] ?? logged)()(endpoint);
  return endpoint;
}

const request: Sum = { a: 1, b: 2 };
const ctx = background();
const call = (endpoint: SumEndpoint) => () => endpoint(ctx, request);
const cases = [
  { name: "bare endpoint", n: 0, endpoint: sum },
  { name: "1: logging", n: 1, endpoint: logged()(sum) },
  { name: "1: instrumenting", n: 1, endpoint: instrumented()(sum) },
  { name: "1: tracing", n: 1, endpoint: traced()(sum) },
  { name: "5 middlewares", n: 5, endpoint: wrapped(5) },
  { name: "10 middlewares", n: 10, endpoint: wrapped(10) },
];

const results = await compareAsync(cases.map((c) => ({ name: c.name, run: call(c.endpoint) })), { rounds: 7, roundMs: 300, warmupMs: 500, inFlight: 16 });
printTable("Endpoint with middlewares, in process (ops/s; vs the bare endpoint)", results, "bare endpoint");

const micros = (name: string): number => 1e6 / (results.find((r) => r.name === name)?.opsPerSec ?? Number.NaN);
const bare = micros("bare endpoint");
console.log("\nadded per call:");
for (const c of cases.slice(1)) {
  const added = micros(c.name) - bare;
  console.log(`  ${c.name.padEnd(18)} ${added.toFixed(2)} µs in all, ${(added / c.n).toFixed(2)} µs per middleware`);
}
const five = (micros("5 middlewares") - bare) / HTTP_CPU_US;
console.log(`\nfive middlewares as a share of one HTTP request's server CPU (${HTTP_CPU_US} µs): ${(100 * five).toFixed(1)} % (target ≤ ${100 * TARGET} %) ${five <= TARGET ? "MET" : "NOT MET"}`);
