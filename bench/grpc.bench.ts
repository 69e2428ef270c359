// @kit/transport-grpc against raw @grpc/grpc-js, on the same work, in one process pair.
//
// `node grpc.bench.ts` starts a child process (this file with `server`) that runs two grpc-js
// servers on 127.0.0.1, one with plain grpc-js handlers and one with Kit's, for the same
// service; this process is the client of both, raw grpc-js against the raw server and Kit's
// clients against Kit's server. Client and server are separate processes, as in production,
// so neither side's work hides the other's; both servers share the child, and the
// interleaved rounds keep only one case running at a time.
//
// Same proto (below), same work: Sum adds two int32s; Count streams n Items ({seq}), which
// the client reads to the end. Raw grpc-js is written the idiomatic way: callbacks for unary,
// `write()` with `drain` on the server and `for await` over the call on the client for the
// stream. Kit: `server`/`client` and `serverStream`/`serverStreamClient` with their default
// (identity) codecs and no hooks.
//
// With two CPUs or more and `taskset`, the servers' process runs on CPU 1 and the clients' on CPU
// 0 (cpu-pinning.ts), so neither takes the other's core. This machine's speed drifts over
// seconds, so the targets read Kit's rate against raw's in the same round (the two ran next to
// each other): the median of those paired ratios, printed with their lowest and highest. The
// unary case runs 41 rounds (its rounds spread over ±40 % on this host, and a median of 21 moved
// by ±4 % from run to run), the stream 21.
//
// It also prints the unary latency of one call at a time (p50/p99, µs; Kit against raw), the
// figure each hop of a chain of service calls pays, and that throughput under load hides.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { background, type Context } from "@kit/endpoint";
import { bindService, client, server, serverStream, serverStreamClient } from "@kit/transport-grpc";
import { compareAsync, type AsyncResult } from "./async-harness.ts";
import { pinLoad, pinServer, placement } from "./cpu-pinning.ts";
import { printTable } from "./harness.ts";
import { pairedRatio, type Spread } from "./paired-slices.ts";

/** The lowest ratios of Kit's rate to raw grpc-js' that meet issue 18's targets: unary, server stream. */
const UNARY_TARGET = 0.95;
const STREAM_TARGET = 0.9;
/** Messages per server-stream call. */
const STREAM_LENGTH = 100;

interface SumRequest {
  a: number;
  b: number;
}
interface SumReply {
  v: number;
}
interface CountRequest {
  n: number;
}
interface Item {
  seq: number;
}

// The bench proto, as protobufjs JSON:
//   package bench;
//   service Add { rpc Sum (SumRequest) returns (SumReply); rpc Count (CountRequest) returns (stream Item); }
//   message SumRequest { int32 a = 1; int32 b = 2; }  message SumReply { int32 v = 1; }
//   message CountRequest { int32 n = 1; }  message Item { int32 seq = 1; }
const proto = {
  nested: {
    bench: {
      nested: {
        Add: {
          methods: {
            Sum: { requestType: "SumRequest", responseType: "SumReply" },
            Count: { requestType: "CountRequest", responseType: "Item", responseStream: true },
          },
        },
        SumRequest: { fields: { a: { type: "int32", id: 1 }, b: { type: "int32", id: 2 } } },
        SumReply: { fields: { v: { type: "int32", id: 1 } } },
        CountRequest: { fields: { n: { type: "int32", id: 1 } } },
        Item: { fields: { seq: { type: "int32", id: 1 } } },
      },
    },
  },
};
const Add = protoLoader.fromJSON(proto as Parameters<typeof protoLoader.fromJSON>[0], { defaults: true })["bench.Add"] as grpc.ServiceDefinition;
const Sum = Add.Sum as grpc.MethodDefinition<SumRequest, SumReply>;
const Count = Add.Count as grpc.MethodDefinition<CountRequest, Item>;

/** Rounds of the one-call-at-a-time latency, and each round's bounds per case. */
const SEQUENCE_ROUNDS = 5;
const SEQUENCE_CALLS = 2_000;
const SEQUENCE_MS = 1_500;

/** The latency of one call at a time: what each hop of a chain of service calls pays. */
interface Latency {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
}

/**
 * Runs each case's calls one after the other (the next starts when the last ended), in
 * interleaved rounds bounded in calls and time, and returns each case's p50 and p99 in µs over
 * every round's calls.
 */
async function sequentialLatency(cases: readonly { name: string; run: () => Promise<unknown> }[]): Promise<Latency[]> {
  const samples = cases.map(() => [] as number[]);
  for (const c of cases) for (let n = 0; n < 200; n++) await c.run(); // warm-up
  for (let round = 0; round < SEQUENCE_ROUNDS; round++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + round) % cases.length;
      const c = cases[i];
      const into = samples[i];
      if (c === undefined || into === undefined) continue;
      const end = performance.now() + SEQUENCE_MS;
      for (let n = 0; n < SEQUENCE_CALLS && performance.now() < end; n++) {
        const start = performance.now();
        await c.run();
        into.push((performance.now() - start) * 1000);
      }
    }
  }
  const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return cases.map((c, i) => {
    const sorted = [...(samples[i] ?? [])].sort((a, b) => a - b);
    return { name: c.name, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
  });
}

/** The child: both servers, then their ports on the IPC channel. */
async function serve(): Promise<void> {
  const raw = new grpc.Server();
  raw.addService(Add, {
    Sum: (call: grpc.ServerUnaryCall<SumRequest, SumReply>, callback: grpc.sendUnaryData<SumReply>) => {
      callback(null, { v: call.request.a + call.request.b });
    },
    Count: (call: grpc.ServerWritableStream<CountRequest, Item>) => {
      const { n } = call.request;
      let seq = 0;
      const more = (): void => {
        while (seq < n) {
          if (!call.write({ seq: seq++ })) {
            call.once("drain", more);
            return;
          }
        }
        call.end();
      };
      more();
    },
  });
  const kit = new grpc.Server();
  bindService(kit, Add, {
    // The endpoint returns its one promise, as `async (ctx, { a, b }) => ({ v: a + b })` would: an
    // async function that returns a promise of its own would add two turns of the microtask queue.
    Sum: server((_ctx: Context, { a, b }: SumRequest): Promise<SumReply> => Promise.resolve({ v: a + b })),
    // eslint-disable-next-line @typescript-eslint/require-await -- the same synchronous loop as the raw handler
    Count: serverStream(async function* (_ctx: Context, { n }: CountRequest): AsyncGenerator<Item> {
      for (let seq = 0; seq < n; seq++) yield { seq };
    }),
  });
  const bind = (s: grpc.Server): Promise<number> =>
    new Promise((resolve, reject) => {
      s.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err === null) resolve(port);
        else reject(err);
      });
    });
  const ports = { raw: await bind(raw), kit: await bind(kit) };
  process.send?.(ports);
  process.on("disconnect", () => {
    raw.forceShutdown();
    kit.forceShutdown();
  });
}

/** Starts the child and resolves with its servers' ports. */
function startChild(): Promise<{ child: ChildProcess; ports: { raw: number; kit: number } }> {
  const child = fork(fileURLToPath(import.meta.url), ["server"], { stdio: "inherit" });
  pinServer(child.pid);
  pinLoad(process.pid);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error("the server process did not start within 15 s"));
    }, 15_000);
    child.once("message", (ports: { raw: number; kit: number }) => {
      clearTimeout(timer);
      resolve({ child, ports });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited with ${String(code)}`));
    });
  });
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const { child, ports } = await startChild();
  const rawConn = new grpc.Client(`127.0.0.1:${ports.raw}`, grpc.credentials.createInsecure());
  const kitConn = new grpc.Client(`127.0.0.1:${ports.kit}`, grpc.credentials.createInsecure());
  try {
    console.log(`@kit/transport-grpc vs @grpc/grpc-js ${process.version}: client here, servers in a child process (${placement}); median of interleaved rounds`);

    let i = 0;
    const rawSum = (): Promise<SumReply> =>
      new Promise((resolve, reject) => {
        const n = i++ & 1023;
        rawConn.makeUnaryRequest<SumRequest, SumReply>(Sum.path, Sum.requestSerialize, Sum.responseDeserialize, { a: n, b: 1 }, (err, reply) => {
          if (err !== null || reply?.v !== n + 1) reject(err ?? new Error("wrong sum"));
          else resolve(reply);
        });
      });
    const kitSumEndpoint = client(kitConn, Sum);
    let j = 0;
    const kitSum = async (): Promise<SumReply> => {
      const n = j++ & 1023;
      const reply = await kitSumEndpoint(background(), { a: n, b: 1 });
      if (reply.v !== n + 1) throw new Error("wrong sum");
      return reply;
    };
    const unary = await compareAsync(
      [
        { name: "raw grpc-js unary", run: rawSum },
        { name: "kit unary", run: kitSum },
      ],
      { rounds: 41, roundMs: 400, warmupMs: 1_000, inFlight: 32 },
    );
    printTable("unary Sum, 32 calls in flight (ops = calls)", unary, "raw grpc-js unary");

    const rawCount = async (): Promise<void> => {
      const call = rawConn.makeServerStreamRequest<CountRequest, Item>(Count.path, Count.requestSerialize, Count.responseDeserialize, { n: STREAM_LENGTH });
      let seen = 0;
      for await (const item of call as AsyncIterable<Item>) if (item.seq === seen) seen++;
      if (seen !== STREAM_LENGTH) throw new Error(`raw stream: ${String(seen)} of ${String(STREAM_LENGTH)} in order`);
    };
    const kitCountEndpoint = serverStreamClient(kitConn, Count);
    const kitCount = async (): Promise<void> => {
      let seen = 0;
      for await (const item of kitCountEndpoint(background(), { n: STREAM_LENGTH })) if (item.seq === seen) seen++;
      if (seen !== STREAM_LENGTH) throw new Error(`kit stream: ${String(seen)} of ${String(STREAM_LENGTH)} in order`);
    };
    const streams = await compareAsync(
      [
        { name: "raw grpc-js server-stream", run: rawCount },
        { name: "kit server-stream", run: kitCount },
      ],
      { rounds: 21, roundMs: 400, warmupMs: 1_000, inFlight: 8 },
    );
    printTable(`server-stream Count, ${String(STREAM_LENGTH)} messages per call, 8 calls in flight (ops = calls)`, streams, "raw grpc-js server-stream");
    const msgs = (name: string): string =>
      Math.round((streams.find((r) => r.name === name)?.opsPerSec ?? 0) * STREAM_LENGTH).toLocaleString("en-US");
    console.log(`messages/s: raw ${msgs("raw grpc-js server-stream")}, kit ${msgs("kit server-stream")}`);

    const sequence = await sequentialLatency([
      { name: "raw grpc-js unary", run: rawSum },
      { name: "kit unary", run: kitSum },
    ]);
    console.log(`\nunary Sum, one call at a time (${String(SEQUENCE_ROUNDS)} interleaved rounds of up to ${String(SEQUENCE_CALLS)} calls or ${String(SEQUENCE_MS)} ms each)`);
    for (const { name, p50, p99 } of sequence) console.log(`  ${name.padEnd(18)} p50 ${p50.toFixed(0).padStart(4)} µs  p99 ${p99.toFixed(0).padStart(5)} µs`);
    const [rawSeq, kitSeq] = sequence;
    if (rawSeq !== undefined && kitSeq !== undefined) console.log(`  kit / raw: p50 ${(kitSeq.p50 / rawSeq.p50).toFixed(2)}, p99 ${(kitSeq.p99 / rawSeq.p99).toFixed(2)}`);

    const unaryRatio = paired(unary, "kit unary", "raw grpc-js unary");
    const streamRatio = paired(streams, "kit server-stream", "raw grpc-js server-stream");
    const met = (r: Spread, target: number): string => `${r.median >= target ? "MET" : "NOT MET"} (${r.median.toFixed(2)}; rounds ${r.low.toFixed(2)}-${r.high.toFixed(2)})`;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `\ntarget: Kit gRPC unary at least ${String(UNARY_TARGET)} of raw grpc-js, server stream at least ${String(STREAM_TARGET)}, ` +
        `each the median of the rounds' paired ratios: unary ${met(unaryRatio, UNARY_TARGET)}, server-stream ${met(streamRatio, STREAM_TARGET)}; ${seconds.toFixed(1)} s`,
    );
  } finally {
    rawConn.close();
    kitConn.close();
    child.disconnect();
    child.kill();
  }
}

/** `name`'s rate over `baseline`'s round by round: the median of the paired ratios, with their lowest and highest. */
function paired(results: readonly AsyncResult[], name: string, baseline: string): Spread {
  const rates = (n: string): readonly number[] => {
    const found = results.find((r) => r.name === n);
    if (found === undefined) throw new Error(`no case named ${n}`);
    return found.rates;
  };
  return pairedRatio(rates(name), rates(baseline));
}

if (process.argv[2] === "server") await serve();
else await main();
