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
// The target (issue 18) is "five middlewares cost at most 10 % of a bare endpoint's
// throughput". What a user notices is the requests a service serves, so that is what it is
// measured against: the Sum endpoint served by Kit's HTTP server (POST {"a":1,"b":2} →
// {"v":3}), bare and in 5 and 10 middlewares, each server in a child process of its own (this
// file, run as `node middleware.bench.ts serve <middlewares> <port> [sdk|api]`), loaded by
// autocannon in another (50 connections, keep-alive). The servers start and are warmed; then each
// round loads them in turn, a short slice each, in an order that rotates every round, so the four
// slices of a round fall within seconds of each other; every three rounds each case gets a fresh
// server (a process keeps its own speed for its life, a few µs a request either way). This
// machine's speed drifts by a factor of two over tens of seconds, and a slow spell lands on the
// slices of every case alike: each case's slice is divided by the bare server's slice of the same
// round, and the median of those paired ratios is what the target reads (with their lowest and
// highest, to show the spread). With two CPUs or more and `taskset` (util-linux), the servers run
// on CPU 1 and autocannon on CPU 0, so neither takes the other's core. It prints req/s, the
// server's CPU per request (process.cpuUsage, every thread), and what its garbage collector did
// per request (v8.GCProfiler: young-generation bytes collected, about what a request allocates,
// and the pauses), which a loaded machine moves far less than req/s; the target is met when five
// middlewares keep ≥ 90 % of the bare server's req/s. A fourth server, "5, no SDK", runs the same
// five with the tracing middleware on the OpenTelemetry API's tracer with no provider registered:
// Kit's own share of the five, printed apart and not what the target counts.
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
import { fork, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
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
import { printTable } from "./harness.ts";

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

/** Whether the server and autocannon each get a CPU of their own (CPU 1 and CPU 0): two CPUs or more, and `taskset`. */
const pinned = cpus().length >= 2 && spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => {
        resolve(port);
      });
    });
    probe.on("error", reject);
  });
}

interface Cannon {
  requests: { total: number };
  duration: number;
  non2xx: number;
  errors: number;
}

/** autocannon in its own process for `seconds`, POSTing the Sum body. */
async function load(url: string, seconds: number): Promise<Cannon> {
  const bin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");
  const args = [bin, "--json", "-c", String(CONNECTIONS), "-d", String(seconds), "-m", "POST", "-H", "content-type=application/json", "-b", '{"a":1,"b":2}', url];
  const [command, argv] = pinned ? ["taskset", ["-c", "0", process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "ignore"], timeout: (seconds + 30) * 1000 });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${String(code)}`);
  const result = JSON.parse(out) as Cannon;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

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

/** One case's server, running in its child process for the whole served part. */
interface RunningServer {
  readonly url: string;
  /** Sends the child a message and resolves with its answer. */
  readonly ask: (message: string) => Promise<unknown>;
  readonly stop: () => Promise<void>;
}

/** Starts the server of `c` in a child process (on CPU 1 when pinned) and warms it with a second of load. */
async function startServer(c: ServedCase): Promise<RunningServer> {
  const port = await freePort();
  const child = fork(new URL(import.meta.url), ["serve", String(c.n), String(port), c.tracing], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  if (pinned) spawnSync("taskset", ["-a", "-p", "-c", "1", String(child.pid)], { stdio: "ignore" }); // every thread of the server
  const stop = async (): Promise<void> => {
    const exited = once(child, "exit");
    child.send("stop");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  try {
    await Promise.race([once(child, "message"), new Promise((_r, reject) => setTimeout(reject, 30_000, new Error("server did not start")))]);
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `http://127.0.0.1:${port}/sum`;
  await load(url, 1);
  const ask = (message: string): Promise<unknown> => {
    const answer = once(child, "message").then(([value]) => value as unknown);
    child.send(message);
    return answer;
  };
  return { url, ask, stop };
}

/** Loads `server` for `seconds` and reads what it served and what that cost it. */
async function measureSlice(server: RunningServer, seconds: number): Promise<Served> {
  await server.ask("mark");
  const result = await load(server.url, seconds);
  const { cpuMicros, youngBytes, pauseMicros } = (await server.ask("report")) as { cpuMicros: number } & GcWork;
  const total = result.requests.total;
  return { reqPerSec: total / result.duration, cpuMicros: cpuMicros / total, youngBytes: youngBytes / total, gcMicros: pauseMicros / total };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Each case's slices against the bare server's slice of the same round: the median of those
 * ratios, and their lowest and highest. A slow spell of the machine lands on the neighbouring
 * slices of every case alike, so the paired ratio moves far less than either req/s.
 */
function pairedRatio(slices: readonly Served[], bare: readonly Served[]): { median: number; low: number; high: number } {
  const ratios = slices.map((s, i) => s.reqPerSec / (bare[i]?.reqPerSec ?? Number.NaN));
  return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
}

/** The served part: bare, 5, 5 with no SDK and 10 middlewares over HTTP, one server each, loaded in turn in short slices. */
async function served(): Promise<void> {
  const cases: readonly ServedCase[] = [
    { label: "0", n: 0, tracing: "sdk" },
    { label: "5", n: 5, tracing: "sdk" },
    { label: "5, no SDK", n: 5, tracing: "api" },
    { label: "10", n: 10, tracing: "sdk" },
  ];
  const samples = new Map<string, Served[]>(cases.map((c) => [c.label, []]));
  for (let first = 0; first < ROUNDS; first += ROUNDS_PER_START) {
    const rounds = Math.min(ROUNDS_PER_START, ROUNDS - first);
    await servedRounds(cases, first, rounds, samples);
  }
  printServed(cases, samples);
}

/**
 * Starts a fresh server per case and runs `rounds` rounds on them, rounds `first` onwards, adding
 * each round's slices to `samples`. A server process keeps its own luck for its life (where its
 * code and heap landed): one bare server ran 3 µs a request slower than another for a whole run,
 * so fresh servers every few rounds spread that luck over the cases instead of pinning it on one.
 */
async function servedRounds(cases: readonly ServedCase[], first: number, rounds: number, samples: Map<string, Served[]>): Promise<void> {
  const servers: RunningServer[] = [];
  try {
    for (const c of cases) servers.push(await startServer(c));
    for (let round = first; round < first + rounds; round++) {
      const order = cases.map((_c, i) => (i + round) % cases.length);
      for (const i of order) {
        const c = cases[i];
        const server = servers[i];
        if (c === undefined || server === undefined) continue;
        const sample = await measureSlice(server, LOAD_S);
        samples.get(c.label)?.push(sample);
        console.error(
          `round ${round + 1}/${ROUNDS}, ${c.label} middlewares: ${Math.round(sample.reqPerSec)} req/s, ${sample.cpuMicros.toFixed(1)} µs CPU/req, ${Math.round(sample.youngBytes)} B/req, GC ${sample.gcMicros.toFixed(1)} µs/req`,
        );
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Prints each case's medians, its paired ratio to the bare server, and whether the target is met. */
function printServed(cases: readonly ServedCase[], samples: ReadonlyMap<string, readonly Served[]>): void {
  const of = (label: string): Served => {
    const list = samples.get(label) ?? [];
    const middle = (field: keyof Served): number => median(list.map((s) => s[field]));
    return { reqPerSec: middle("reqPerSec"), cpuMicros: middle("cpuMicros"), youngBytes: middle("youngBytes"), gcMicros: middle("gcMicros") };
  };
  const bareSlices = samples.get("0") ?? [];
  const bare = of("0");
  const where = pinned ? "server on CPU 1, autocannon on CPU 0" : "server and autocannon not pinned";
  console.log(`\nServed by Kit's HTTP server: POST /sum, ${CONNECTIONS} connections, ${ROUNDS} rounds of a ${LOAD_S} s slice per server (medians); Node ${process.version}, ${cpus().length} CPUs, ${where}`);
  console.log("middlewares      req/s  × bare (paired: median, low-high)  CPU µs/req  CPU added µs  heap B/req  GC µs/req");
  for (const c of cases) {
    const s = of(c.label);
    const paired = pairedRatio(samples.get(c.label) ?? [], bareSlices);
    const spread = `${paired.median.toFixed(2)}, ${paired.low.toFixed(2)}-${paired.high.toFixed(2)}`;
    console.log(
      `${c.label.padStart(11)}  ${Math.round(s.reqPerSec).toLocaleString("en-US").padStart(9)}  ${spread.padStart(32)}  ${s.cpuMicros.toFixed(1).padStart(10)}  ${(s.cpuMicros - bare.cpuMicros).toFixed(1).padStart(12)}  ${Math.round(s.youngBytes).toLocaleString("en-US").padStart(10)}  ${s.gcMicros.toFixed(1).padStart(9)}`,
    );
  }
  const lost = 1 - pairedRatio(samples.get("5") ?? [], bareSlices).median;
  const ownLost = 1 - pairedRatio(samples.get("5, no SDK") ?? [], bareSlices).median;
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
