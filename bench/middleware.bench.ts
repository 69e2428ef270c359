// What middleware costs an endpoint: the Sum endpoint bare, then wrapped in 1, 5 and 10
// middlewares of the three kinds a service stacks:
// - logging: `@kit/metrics/middleware`'s `observe({ logger }, "sum", next)`, the logging
//   middleware kitgen wires into every generated service (`method`, `err`, `took_ms`), writing
//   logfmt through @kit/log's logger to a writer that discards the line, so every record is
//   formatted as in production and only the I/O is left out;
// - instrumenting: @kit/metrics' `instrument` on the in-memory provider (a counter, a
//   histogram and an in-flight gauge);
// - tracing: @kit/tracing's `traceEndpoint` on an OpenTelemetry SDK tracer whose exporter
//   drops the spans (sampled, so every span is made, ended and handed to a batch processor, as in production:
//   the batch processor is what a service that exports configures, and only the export is left out).
// The 5 and 10 rows cycle through the three kinds (logging, instrumenting, tracing, …).
//
// The target (issue 18) is "five middlewares cost at most 10 % of a bare endpoint's throughput".
// What a user notices is the requests a service serves, so that is what it is measured against:
// the Sum endpoint served by Kit's HTTP server (POST {"a":1,"b":2} → {"v":3}), bare and in 5 and
// 10 middlewares, each server in a child process of its own (this file, run as `node
// middleware.bench.ts serve <middlewares> <port> [sdk|api]`), loaded by autocannon in another (50
// connections, keep-alive), in paired slices (paired-slices.ts, shared with http.bench.ts). The
// servers start and are warmed; then each round loads them in turn, a short slice each, in an
// order that rotates every round, so the four slices of a round fall within seconds of each other;
// every three rounds each case gets a fresh server (a process keeps its own speed for its life, a
// few µs a request either way). This machine's speed drifts by a factor of two over tens of
// seconds, and a slow spell lands on the slices of every case alike: each case's slice is divided
// by the bare server's slice of the same round, and the median of those paired ratios is what the
// target reads (with their lowest and highest, to show the spread). With two CPUs or more and
// `taskset` (util-linux), the servers run on CPU 1 and autocannon on CPU 0, so neither takes the
// other's core (cpu-pinning.ts). It prints req/s, the server's CPU per request (process.cpuUsage,
// every thread), and what its garbage collector did per request (v8.GCProfiler: young-generation
// bytes collected, about what a request allocates, and the pauses), which a loaded machine moves
// far less than req/s; the target is met when five middlewares keep ≥ 90 % of the bare server's
// req/s. A fourth server, "5, no SDK", runs the same five with the tracing middleware on the
// OpenTelemetry API's tracer with no provider registered: Kit's own share of the five, printed
// apart and not what the target counts.
//
// First, in process (no transport), it prints the time each middleware adds to a call, the
// figure to read when one of them grows: ops/s per case (interleaved rounds, median), the
// µs added per middleware, and the heap bytes a call allocates above the bare endpoint's (which
// load does not move). "logging to nop()" is the same middleware on @kit/log's `nop()` (the
// record is made and dropped). "tracing, no SDK" is the same middleware on the OpenTelemetry
// API's tracer with no provider registered (its spans record nothing): Kit's own share of the
// tracing row.
//
// BENCH_ROUNDS (12 rounds) and BENCH_LOAD_S (a 2 s slice) set the served part's length;
// `node middleware.bench.ts local` runs only the in-process part. Targets print MET / NOT MET; a miss does not fail the
// run (only a quiet machine's figures count).
import http from "node:http";
import { cpus } from "node:os";
import v8 from "node:v8";
import { background, type Endpoint, type Middleware } from "@kit/endpoint";
import { logfmtLogger, nop } from "@kit/log";
import { instrument, memory } from "@kit/metrics";
import { observe, type Logger } from "@kit/metrics/middleware";
import { traceEndpoint } from "@kit/tracing";
import { decodeJSON, encodeJSON, server } from "@kit/transport-http";
import { trace, type Tracer } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { compareAsync } from "./async-harness.ts";
import { load, type LoadOptions } from "./autocannon.ts";
import { placement } from "./cpu-pinning.ts";
import { printTable } from "./harness.ts";
import { median, pairedRatio, pairedSlices } from "./paired-slices.ts";
import { forkServer, type ServerProcess } from "./server-process.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 2);
/** Rounds run on the same servers before each case gets a fresh one. */
const ROUNDS_PER_START = 3;
const CONNECTIONS = 50;
const TARGET = 0.1;

interface Sum {
  a: number;
  b: number;
}
type SumEndpoint = Endpoint<Sum, { v: number }>;

const sum: SumEndpoint = (_ctx, { a, b }) => Promise.resolve({ v: a + b });

/** `observe`'s logging alone: the logging middleware kitgen wires, on `logger`. */
function logging(logger: Logger): Middleware<Sum, { v: number }> {
  return (next) => observe({ logger }, "sum", next);
}

const discarding: SpanExporter = {
  export(_spans: ReadableSpan[], done) {
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: () => Promise.resolve(),
};
/** The tracer the target counts: the SDK's, every span sampled and batched, the export dropped. */
const sdkTracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discarding)] }).getTracer("bench");
/** The OpenTelemetry API's tracer with no provider registered: its spans record nothing (Kit's share alone). */
const apiTracer = trace.getTracer("bench");
const logger = logfmtLogger({ write: () => undefined });
const metrics = memory();

type Kind = (tracer: Tracer) => Middleware<Sum, { v: number }>;
const logs: Kind = () => logging(logger);
const instrumented: Kind = () => instrument(metrics, { endpointName: "sum" });
const traced: Kind = (tracer) => traceEndpoint<Sum, { v: number }>("sum", { tracer });
const kinds: readonly Kind[] = [logs, instrumented, traced];

/** `sum` in `n` middlewares, cycling through the kinds; the tracing ones on `tracer`. */
function wrapped(n: number, tracer: Tracer = sdkTracer): SumEndpoint {
  let endpoint = sum;
  for (let i = n - 1; i >= 0; i--) endpoint = (kinds[i % kinds.length] ?? logs)(tracer)(endpoint);
  return endpoint;
}

/** The in-process part: the µs each middleware adds to a call. */
async function inProcess(): Promise<void> {
  const request: Sum = { a: 1, b: 2 };
  const ctx = background();
  const call = (endpoint: SumEndpoint) => () => endpoint(ctx, request);
  const cases = [
    { name: "bare endpoint", n: 0, endpoint: sum },
    { name: "1: logging", n: 1, endpoint: logs(sdkTracer)(sum) },
    { name: "1: logging to nop()", n: 1, endpoint: logging(nop())(sum) },
    { name: "1: instrumenting", n: 1, endpoint: instrumented(sdkTracer)(sum) },
    { name: "1: tracing", n: 1, endpoint: traced(sdkTracer)(sum) },
    { name: "1: tracing, no SDK", n: 1, endpoint: traced(apiTracer)(sum) },
    { name: "5 middlewares", n: 5, endpoint: wrapped(5) },
    { name: "10 middlewares", n: 10, endpoint: wrapped(10) },
  ];
  const results = await compareAsync(cases.map((c) => ({ name: c.name, run: call(c.endpoint) })), { rounds: 7, roundMs: 300, warmupMs: 500, inFlight: 16 });
  printTable("Endpoint with middlewares, in process (ops/s; vs the bare endpoint)", results, "bare endpoint");
  const micros = (name: string): number => 1e6 / (results.find((r) => r.name === name)?.opsPerSec ?? Number.NaN);
  const bare = micros("bare endpoint");
  const bareBytes = await bytesPerCall(call(sum));
  console.log(`\nadded per call, in process (heap: bytes a call allocates above the bare endpoint's ${Math.round(bareBytes)}):`);
  for (const c of cases.slice(1)) {
    const added = micros(c.name) - bare;
    const bytes = (await bytesPerCall(call(c.endpoint))) - bareBytes;
    console.log(`  ${c.name.padEnd(20)} ${added.toFixed(2)} µs in all, ${(added / c.n).toFixed(2)} µs per middleware, heap +${Math.round(bytes)} B`);
  }
}

/** The bytes one call allocates in the young generation: what collections took out of it, plus its growth. */
async function bytesPerCall(run: () => Promise<unknown>, calls = 100_000): Promise<number> {
  const youngUsed = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_used_size ?? 0;
  for (let i = 0; i < 1_000; i++) await run();
  const profiler = new v8.GCProfiler();
  const before = youngUsed();
  profiler.start();
  for (let i = 0; i < calls; i++) await run();
  const after = youngUsed();
  return (gcWork(profiler).youngBytes + after - before) / calls;
}

// ---- The served part: Kit's HTTP server, one child process per server. ----

/** What the garbage collector did while the server was loaded. */
interface GcWork {
  /** Bytes the collections took out of the young generation (freed or promoted): about what was allocated. */
  youngBytes: number;
  /** The collections' pauses on the main thread, in µs. */
  pauseMicros: number;
}

/** Sums a `v8.GCProfiler` report: the young generation's bytes collected and the pauses. */
function gcWork(profiler: v8.GCProfiler): GcWork {
  interface Space {
    spaceName: string;
    spaceUsedSize: number;
  }
  interface Collection {
    cost: number;
    beforeGC: { heapSpaceStatistics: Space[] };
    afterGC: { heapSpaceStatistics: Space[] };
  }
  const young = (spaces: Space[]): number => spaces.find((s) => s.spaceName === "new_space")?.spaceUsedSize ?? 0;
  const collections = profiler.stop().statistics as Collection[];
  let youngBytes = 0;
  let pauseMicros = 0;
  for (const c of collections) {
    youngBytes += Math.max(0, young(c.beforeGC.heapSpaceStatistics) - young(c.afterGC.heapSpaceStatistics));
    pauseMicros += c.cost;
  }
  return { youngBytes, pauseMicros };
}

/** The child: serves `sum` in `n` middlewares (tracing on `tracer`) on 127.0.0.1:`port`, reports its CPU and GC on request. */
function serve(n: number, port: number, tracer: Tracer): void {
  const srv = http.createServer(server(wrapped(n, tracer), decodeJSON<Sum>(), encodeJSON));
  srv.listen(port, "127.0.0.1", () => {
    let mark = process.cpuUsage();
    let profiler = new v8.GCProfiler();
    process.on("message", (message: string) => {
      if (message === "mark") {
        mark = process.cpuUsage();
        profiler = new v8.GCProfiler();
        profiler.start();
        process.send?.("marked");
      }
      if (message === "report") {
        const used = process.cpuUsage(mark);
        process.send?.({ cpuMicros: used.user + used.system, ...gcWork(profiler) });
      }
      if (message === "stop") process.exit(0);
    });
    process.send?.("ready");
  });
}

const SUM_LOAD: LoadOptions = { connections: CONNECTIONS, body: '{"a":1,"b":2}' };

interface Served {
  reqPerSec: number;
  cpuMicros: number;
  /** Young-generation bytes collected per request (see {@link GcWork}). */
  youngBytes: number;
  /** GC pause per request, µs. */
  gcMicros: number;
}

/** A server the served part measures: `n` middlewares, the tracing ones on the SDK's or the API's tracer. */
interface ServedCase {
  readonly label: string;
  readonly n: number;
  readonly tracing: "sdk" | "api";
}

/** One case's server, running in its child process for a block of rounds. */
interface RunningServer extends ServerProcess {
  readonly url: string;
}

/** Starts the server of `c` in a child process (on CPU 1 when pinned) and warms it with a second of load. */
async function startServer(c: ServedCase): Promise<RunningServer> {
  const child = await forkServer(new URL(import.meta.url), (port) => ["serve", String(c.n), String(port), c.tracing], `the server with ${c.label} middlewares`);
  const url = `http://127.0.0.1:${child.port}/sum`;
  await load(url, 1, SUM_LOAD);
  return { ...child, url };
}

/** Loads `server` for `seconds` and reads what it served and what that cost it. */
async function measureSlice(server: RunningServer, seconds: number): Promise<Served> {
  await server.ask("mark");
  const result = await load(server.url, seconds, SUM_LOAD);
  const { cpuMicros, youngBytes, pauseMicros } = (await server.ask("report")) as { cpuMicros: number } & GcWork;
  const total = result.requests.total;
  return { reqPerSec: total / result.duration, cpuMicros: cpuMicros / total, youngBytes: youngBytes / total, gcMicros: pauseMicros / total };
}

/** The served part: bare, 5, 5 with no SDK and 10 middlewares over HTTP, one server each, loaded in turn in paired slices (paired-slices.ts). */
async function served(): Promise<void> {
  const cases: readonly ServedCase[] = [
    { label: "0", n: 0, tracing: "sdk" },
    { label: "5", n: 5, tracing: "sdk" },
    { label: "5, no SDK", n: 5, tracing: "api" },
    { label: "10", n: 10, tracing: "sdk" },
  ];
  const slices = await pairedSlices({
    cases,
    rounds: ROUNDS,
    roundsPerStart: ROUNDS_PER_START,
    start: startServer,
    slice: (server) => measureSlice(server, LOAD_S),
    onSlice: (c, sample, round) => {
      console.error(
        `round ${round + 1}/${ROUNDS}, ${c.label} middlewares: ${Math.round(sample.reqPerSec)} req/s, ${sample.cpuMicros.toFixed(1)} µs CPU/req, ${Math.round(sample.youngBytes)} B/req, GC ${sample.gcMicros.toFixed(1)} µs/req`,
      );
    },
  });
  printServed(cases, new Map(cases.map((c, i) => [c.label, slices[i] ?? []])));
}

/** Prints each case's medians, its paired ratio to the bare server, and whether the target is met. */
function printServed(cases: readonly ServedCase[], samples: ReadonlyMap<string, readonly Served[]>): void {
  const of = (label: string): Served => {
    const list = samples.get(label) ?? [];
    const middle = (field: keyof Served): number => median(list.map((s) => s[field]));
    return { reqPerSec: middle("reqPerSec"), cpuMicros: middle("cpuMicros"), youngBytes: middle("youngBytes"), gcMicros: middle("gcMicros") };
  };
  const reqPerSec = (label: string): number[] => (samples.get(label) ?? []).map((s) => s.reqPerSec);
  const bareSlices = reqPerSec("0");
  const bare = of("0");
  console.log(`\nServed by Kit's HTTP server: POST /sum, ${CONNECTIONS} connections, ${ROUNDS} rounds of a ${LOAD_S} s slice per server (medians); Node ${process.version}, ${cpus().length} CPUs, ${placement}`);
  console.log("middlewares      req/s  × bare (paired: median, low-high)  CPU µs/req  CPU added µs  heap B/req  GC µs/req");
  for (const c of cases) {
    const s = of(c.label);
    const paired = pairedRatio(reqPerSec(c.label), bareSlices);
    const spread = `${paired.median.toFixed(2)}, ${paired.low.toFixed(2)}-${paired.high.toFixed(2)}`;
    console.log(
      `${c.label.padStart(11)}  ${Math.round(s.reqPerSec).toLocaleString("en-US").padStart(9)}  ${spread.padStart(32)}  ${s.cpuMicros.toFixed(1).padStart(10)}  ${(s.cpuMicros - bare.cpuMicros).toFixed(1).padStart(12)}  ${Math.round(s.youngBytes).toLocaleString("en-US").padStart(10)}  ${s.gcMicros.toFixed(1).padStart(9)}`,
    );
  }
  const lost = 1 - pairedRatio(reqPerSec("5"), bareSlices).median;
  const ownLost = 1 - pairedRatio(reqPerSec("5, no SDK"), bareSlices).median;
  console.log(`\nfive middlewares cost ${(100 * lost).toFixed(1)} % of the bare endpoint's served req/s (target ≤ ${100 * TARGET} %) ${lost <= TARGET ? "MET" : "NOT MET"}`);
  console.log(`the same five with no tracing SDK (Kit's share alone; not what the target counts): ${(100 * ownLost).toFixed(1)} %`);
}

const [mode, n = "0", port = "0", tracing = "sdk"] = process.argv.slice(2);
if (mode === "serve") {
  serve(Number(n), Number(port), tracing === "api" ? apiTracer : sdkTracer);
} else {
  await inProcess();
  if (mode !== "local") await served();
}
