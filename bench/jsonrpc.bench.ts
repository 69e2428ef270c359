// Kit's JSON-RPC server against Kit's own plain HTTP transport, serving the same endpoint
// (addsvc's Sum) in the same process, driven by the same keep-alive node:http client with 32
// calls outstanding:
//
// http:    POST /sum  {"a":1,"b":2}                                             → {"v":3}
// jsonrpc: POST /rpc  {"jsonrpc":"2.0","method":"add.sum","params":{"a":1,"b":2},"id":1}
//                                                          → {"jsonrpc":"2.0","result":{"v":3},"id":1}
//
// Both decode JSON with a hand-written check and encode with JSON.stringify. The target: the
// JSON-RPC server reaches at least 0.9 of the plain HTTP server's calls per second (the median
// of interleaved rounds), counted per second of the process's CPU time, which other processes
// on a loaded machine do not change (wall-clock calls per second are printed too). Then the latency of one call at a time, p50 and p99 of each, also in
// interleaved rounds (bounded: 15 rounds of 200 calls each, or 20 s).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Endpoint } from "@kit/endpoint";
import { decodeJSON, encodeJSON, server as httpServer } from "@kit/transport-http";
import { resultAsIs, server as jsonRpcServer } from "@kit/transport-jsonrpc";
import { compareAsync } from "./async-harness.ts";
import { printTable, ratio } from "./harness.ts";

const TARGET = 0.9;
const IN_FLIGHT = 32;

interface SumRequest {
  readonly a: number;
  readonly b: number;
}
const sum: Endpoint<SumRequest, { v: number }> = (_ctx, { a, b }) => Promise.resolve({ v: a + b });
const check = (value: unknown): SumRequest => {
  const v = value as Partial<SumRequest> | null;
  if (typeof v?.a !== "number" || typeof v.b !== "number") throw new Error("want {a, b}");
  return { a: v.a, b: v.b };
};

const plain = http.createServer(httpServer(sum, decodeJSON({ "~standard": { version: 1, vendor: "bench", validate: (value) => ({ value: check(value) }) } }), encodeJSON));
const rpc = http.createServer(jsonRpcServer({ "add.sum": { endpoint: sum, decode: (_ctx, params) => check(params), encode: resultAsIs } }));
const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};
const [plainPort, rpcPort] = [await listen(plain), await listen(rpc)];
const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** One POST on the keep-alive agent; resolves with the body, checked to contain `expect`. */
function post(port: number, path: string, body: string, expect: string): () => Promise<void> {
  const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request({ port, host: "127.0.0.1", path, method: "POST", headers, agent }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          if (text.includes(expect)) resolve();
          else reject(new Error(`unexpected answer ${text}`));
        });
      });
      req.on("error", reject);
      req.end(body);
    });
}

const cases = [
  { name: "kit http", run: post(plainPort, "/sum", '{"a":1,"b":2}', '{"v":3}') },
  { name: "kit jsonrpc", run: post(rpcPort, "/rpc", '{"jsonrpc":"2.0","method":"add.sum","params":{"a":1,"b":2},"id":1}', '"result":{"v":3}') },
];
const results = await compareAsync(cases, { rounds: 11, roundMs: 1_000, warmupMs: 1_000, inFlight: IN_FLIGHT });
printTable(`Sum over HTTP, ${String(IN_FLIGHT)} in flight, one keep-alive client in the same process (calls/s)`, results, "kit http");
const share = ratio(results, "kit jsonrpc", "kit http");

/**
 * Calls per second of this process's CPU time (client and servers are all in it), `calls` at a
 * time `IN_FLIGHT` in flight: on a machine other processes load, wall-clock rounds measure how
 * much CPU the process was given as much as the code, CPU time only the code.
 */
async function perCpuSecond(run: () => Promise<void>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < calls) await run();
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const used = process.cpuUsage(start);
  return calls / ((used.user + used.system) / 1e6);
}

/** The median of each case's calls per CPU second over interleaved rounds (A B, B A, …), bounded by rounds and time. */
async function compareCpu(rounds: number, calls: number, budgetMs: number): Promise<Map<string, number>> {
  const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
  const end = Date.now() + budgetMs;
  for (let round = 0; round < rounds && Date.now() < end; round++) {
    for (const c of round % 2 === 0 ? cases : [...cases].reverse()) samples.get(c.name)?.push(await perCpuSecond(c.run, calls));
  }
  return new Map([...samples].map(([name, values]) => [name, percentile([...values].sort((a, b) => a - b), 50)]));
}

const cpu = await compareCpu(11, 3_000, 60_000);
const cpuShare = (cpu.get("kit jsonrpc") ?? 0) / (cpu.get("kit http") ?? Number.NaN);
console.log(`\nthe same, in calls per second of the process's CPU time (medians of interleaved rounds of 3,000 calls)`);
for (const [name, perSecond] of cpu) console.log(`${name.padEnd(12)}  ${Math.round(perSecond).toLocaleString("en-US").padStart(8)}`);
console.log(`\ntarget: the JSON-RPC server reaches at least ${String(TARGET)} of Kit's plain HTTP server (CPU time; wall clock ${share.toFixed(2)}): ${cpuShare >= TARGET ? "MET" : "NOT MET"} (${cpuShare.toFixed(2)})`);
if (cpuShare < TARGET) process.exitCode = 1;

/** Each case's call durations in ms, one call at a time, in interleaved rounds (A B, B A, …). */
async function sequential(rounds: number, calls: number, budgetMs: number): Promise<Map<string, number[]>> {
  const times = new Map(cases.map((c) => [c.name, [] as number[]]));
  const end = Date.now() + budgetMs;
  for (let round = 0; round < rounds && Date.now() < end; round++) {
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) {
      const into = times.get(c.name) ?? [];
      for (let i = 0; i < calls; i++) {
        const begun = process.hrtime.bigint();
        await c.run();
        into.push(Number(process.hrtime.bigint() - begun) / 1e6);
      }
    }
  }
  return times;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const latencies = await sequential(15, 200, 20_000);
console.log("\nSum over HTTP, one call at a time, the same client (latency, ms)");
console.log(`${"case".padEnd(12)}  ${"calls".padStart(6)}  ${"p50".padStart(7)}  ${"p99".padStart(7)}`);
for (const [name, times] of latencies) {
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${name.padEnd(12)}  ${String(sorted.length).padStart(6)}  ${percentile(sorted, 50).toFixed(3).padStart(7)}  ${percentile(sorted, 99).toFixed(3).padStart(7)}`);
}
agent.destroy();
plain.close();
rpc.close();
