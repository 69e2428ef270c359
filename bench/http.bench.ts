// Kit's HTTP server against raw node:http, Fastify, Hono, Express, NestJS (on Fastify) and
// Moleculer's gateway, on the Sum workload: POST {"a":1,"b":2} → 200 {"v":3}.
//
// Each server runs alone in a child process of its own (`http-servers.ts`), one at a time; the
// load comes from autocannon in another process (50 connections, keep-alive), and the
// one-connection-in-sequence latency from `http-sequence.ts`, also in its own process. Rounds
// interleave the servers in a rotating order; each figure is the median of the rounds:
// - req/s under load, and its ratio to raw node:http;
// - server CPU per request: the child's process.cpuUsage over the loaded run, divided by the
//   requests answered (all of the process's threads, so the GC's work counts);
// - p50/p99 latency under load (autocannon, whole milliseconds), and p50/p99 for one connection
//   with one request at a time (µs), the figure a chain of service calls pays at every hop.
// "two routes" rows serve POST /sum and POST /concat (the load calls /sum): Kit's `router`
// against Fastify with two routes. A full run writes `http.svg`, the chart bench/README.md
// shows (CPU per request, the figure a busy machine disturbs least).
//
// `node http.bench.ts` runs every server; `node http.bench.ts Kit Fastify` only those whose
// names contain one of the words (raw node:http always runs). BENCH_ROUNDS (3), BENCH_LOAD_S
// (3) and BENCH_SEQ_MS (1500) set the length. Targets are printed MET / NOT MET; a missed one
// does not fail the run (only a quiet machine's figures count).
import { fork, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import { arch, cpus } from "node:os";
import { barChart } from "./http-chart.ts";
import { serverNames } from "./http-servers.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 3);
const SEQ_MS = Number(process.env.BENCH_SEQ_MS ?? 1500);
const WARM_S = 1;
const CONNECTIONS = 50;
const BODY = '{"a":1,"b":2}';
const RAW = "raw node:http";

const require = createRequire(import.meta.url);
const autocannonBin = require.resolve("autocannon/autocannon.js");
const here = new URL(".", import.meta.url);

interface Sample {
  reqPerSec: number;
  cpuMicros: number;
  p50: number;
  p99: number;
  seqP50: number;
  seqP99: number;
}

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

/** Runs `file` with `args` in a child Node process and returns what it printed, parsed as JSON. */
async function runJSON<T>(file: string, args: readonly string[], timeoutMs: number): Promise<T> {
  const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.resume();
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${file} exited with ${String(code)}`);
  return JSON.parse(out) as T;
}

interface Cannon {
  requests: { total: number };
  duration: number;
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<Cannon> {
  const args = ["--json", "-c", String(CONNECTIONS), "-d", String(seconds), "-m", "POST", "-H", "content-type=application/json", "-b", BODY, url];
  const result = await runJSON<Cannon>(autocannonBin, args, (seconds + 30) * 1000);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

/** Starts the named server in its own process; resolves once it listens. */
async function startServer(name: string, port: number): Promise<{ ask: (message: string) => Promise<unknown>; stop: () => Promise<void> }> {
  const child = fork(new URL("http-servers.ts", here), [name, String(port)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => {
      resolve();
    });
    child.once("exit", (code) => {
      reject(new Error(`${name} exited with ${String(code)} before listening`));
    });
  });
  await Promise.race([ready, new Promise((_r, reject) => setTimeout(reject, 30_000, new Error(`${name} did not start`)))]);
  return {
    ask: (message) => {
      const answer = once(child, "message").then(([value]) => value as unknown);
      child.send(message);
      return answer;
    },
    stop: async () => {
      const exited = once(child, "exit");
      child.send("stop");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

async function measure(name: string): Promise<Sample> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/sum`;
  const srv = await startServer(name, port);
  try {
    await load(url, WARM_S);
    await srv.ask("mark");
    const result = await load(url, LOAD_S);
    const { cpuMicros } = (await srv.ask("report")) as { cpuMicros: number };
    const seq = await runJSON<{ p50: number; p99: number }>(new URL("http-sequence.ts", here).pathname, [url, String(SEQ_MS)], SEQ_MS + 30_000);
    return {
      reqPerSec: result.requests.total / result.duration,
      cpuMicros: cpuMicros / result.requests.total,
      p50: result.latency.p50,
      p99: result.latency.p99,
      seqP50: seq.p50,
      seqP99: seq.p99,
    };
  } finally {
    await srv.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function medianSample(samples: readonly Sample[]): Sample {
  const of = (key: keyof Sample): number => median(samples.map((s) => s[key]));
  return { reqPerSec: of("reqPerSec"), cpuMicros: of("cpuMicros"), p50: of("p50"), p99: of("p99"), seqP50: of("seqP50"), seqP99: of("seqP99") };
}

const filters = process.argv.slice(2);
const names = serverNames.filter((n) => n === RAW || filters.length === 0 || filters.some((f) => n.includes(f)));
const samples = new Map<string, Sample[]>(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_n, i) => names[(i + round) % names.length] ?? RAW);
  for (const name of order) {
    const sample = await measure(name);
    samples.get(name)?.push(sample);
    console.error(`round ${round + 1}/${ROUNDS} ${name}: ${Math.round(sample.reqPerSec)} req/s, ${sample.cpuMicros.toFixed(1)} µs CPU/req`);
  }
}

const results = new Map(names.map((n) => [n, medianSample(samples.get(n) ?? [])]));
const raw: Sample = results.get(RAW) ?? medianSample([]);
const versions = peerVersions();
console.log(`\nHTTP Sum, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${LOAD_S} s; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? arch()}`);
console.log(`peers: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
const head = ["server", "req/s", "× raw", "CPU µs/req", "CPU × raw", "p50 ms", "p99 ms", "seq p50 µs", "seq p99 µs"];
const rows = [...results].map(([name, s]) => [
  name,
  Math.round(s.reqPerSec).toLocaleString("en-US"),
  (s.reqPerSec / raw.reqPerSec).toFixed(2),
  s.cpuMicros.toFixed(1),
  (s.cpuMicros / raw.cpuMicros).toFixed(2),
  String(s.p50),
  String(s.p99),
  Math.round(s.seqP50).toString(),
  Math.round(s.seqP99).toString(),
]);
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const row of [head, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "));

function target(label: string, value: number | undefined, ok: (v: number) => boolean): void {
  if (value === undefined || Number.isNaN(value)) return;
  console.log(`${label}: ${value.toFixed(2)} ${ok(value) ? "MET" : "NOT MET"}`);
}
const kit = results.get("Kit transport-http");
const fastify = results.get("Fastify 5");
const kitRouter = results.get("Kit router, two routes");
const fastify2 = results.get("Fastify 5, two routes");
console.log("");
target("Kit / raw req/s (target ≥ 0.90)", kit && kit.reqPerSec / raw.reqPerSec, (v) => v >= 0.9);
target("Kit / raw CPU per request (target ≤ 1.15)", kit && kit.cpuMicros / raw.cpuMicros, (v) => v <= 1.15);
target("Kit / Fastify req/s (target ≥ 1.10)", kit && fastify && kit.reqPerSec / fastify.reqPerSec, (v) => v >= 1.1);
target("Kit router / Fastify, two routes (target ≥ 1.00)", kitRouter && fastify2 && kitRouter.reqPerSec / fastify2.reqPerSec, (v) => v >= 1);

if (filters.length === 0) {
  const bars = [...results].map(([name, s]) => ({ name, reqPerSec: s.reqPerSec, cpuMicros: s.cpuMicros, cpuRatio: s.cpuMicros / raw.cpuMicros }));
  bars.sort((a, b) => a.cpuMicros - b.cpuMicros);
  const note = `POST {"a":1,"b":2} → {"v":3}, ${CONNECTIONS} connections, median of ${ROUNDS} rounds, Node ${process.version}, ${cpus().length} CPUs`;
  writeFileSync(new URL("http.svg", here), barChart("Server CPU per request, Kit's HTTP server and its peers (shorter is better)", note, bars));
  console.log("\nwrote http.svg");
}

function peerVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["fastify", "hono", "@hono/node-server", "express", "@nestjs/core", "@nestjs/platform-fastify", "moleculer", "moleculer-web", "autocannon"]) {
    try {
      out[name] = (JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, here), "utf8")) as { version: string }).version;
    } catch {
      out[name] = "?";
    }
  }
  return out;
}
