// Kit's HTTP server against raw node:http, Fastify, Hono, Express, NestJS (on Fastify) and
// Moleculer's gateway, on the Sum workload: POST {"a":1,"b":2} → 200 {"v":3}.
//
// Each server runs in a child process of its own (`http-servers.ts`); the load comes from
// autocannon in another process (50 connections, keep-alive), and the one-connection-in-sequence
// latency from `http-sequence.ts`, also in its own process; with two CPUs or more and `taskset`,
// the servers run on CPU 1 and the load on CPU 0 (cpu-pinning.ts). The servers are measured in
// paired slices (paired-slices.ts): every server is started and warmed, then each round loads them
// in turn, a short slice each, in an order that rotates every round (the servers a target compares
// next to each other), so the slices of a round fall within seconds of each other; every three
// rounds each server is started afresh (a process keeps its own speed for its life). This
// machine's speed drifts by a factor of two over tens of seconds, and a slow spell lands on the
// neighbouring slices of every server alike, so a server is compared with another through the
// ratios of their slices of the same round: the median of those paired ratios, with their lowest
// and highest. It prints, per server:
// - req/s under load (median of the slices), and its paired ratio to raw node:http's;
// - server CPU per request: the child's process.cpuUsage over a slice, divided by the requests
//   answered (all of the process's threads, so the GC's work counts), and its paired ratio to
//   raw's;
// - p50/p99 latency under load (autocannon, whole milliseconds; medians of the slices), and p50/p99
//   for one connection with one request at a time (µs; measured once per server process, after
//   its warm-up, medians), the figure a chain of service calls pays at every hop.
// "two routes" rows serve POST /sum and POST /concat (the load calls /sum): Kit's `router`
// against Fastify with two routes. The targets read paired ratios: Kit / raw req/s and CPU per
// request, Kit / Fastify req/s, Kit's router / Fastify with two routes. A full run writes
// `http.svg`, the chart bench/README.md shows (CPU per request, the figure a busy machine disturbs
// least).
//
// `node http.bench.ts` runs every server (12 rounds of a 2 s slice: about 8 minutes for the ten
// servers); `node http.bench.ts Kit Fastify` only those whose names contain one of the words (raw
// node:http always runs). BENCH_ROUNDS (12), BENCH_LOAD_S (2) and BENCH_SEQ_MS (1500) set the
// length. Targets are printed MET / NOT MET; a missed one does not fail the run (only a quiet
// machine's figures count).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { arch, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { load, type LoadOptions } from "./autocannon.ts";
import { onLoadCpu, placement } from "./cpu-pinning.ts";
import { barChart } from "./http-chart.ts";
import { serverNames } from "./http-servers.ts";
import { median, pairedRatio, pairedSlices, type Spread } from "./paired-slices.ts";
import { forkServer, type ServerProcess } from "./server-process.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const LOAD_S = Number(process.env.BENCH_LOAD_S ?? 2);
const SEQ_MS = Number(process.env.BENCH_SEQ_MS ?? 1500);
/** Rounds run on the same servers before each gets a fresh process. */
const ROUNDS_PER_START = 3;
const WARM_S = 1;
const SUM_LOAD: LoadOptions = { connections: 50, body: '{"a":1,"b":2}' };
const RAW = "raw node:http";

const here = new URL(".", import.meta.url);

/** What one slice of load measured on one server. */
interface Slice {
  reqPerSec: number;
  /** Server CPU per request, µs. */
  cpuMicros: number;
  /** Latency under load, ms. */
  p50: number;
  p99: number;
}

/** One connection, one request at a time: latency in µs. */
interface Sequence {
  p50: number;
  p99: number;
}

/** A server in its child process, warmed, for a block of rounds. */
interface RunningServer extends ServerProcess {
  readonly url: string;
}

/** Runs `http-sequence.ts` against `url` (in its own process, on the load's CPU) and returns its p50 and p99. */
async function sequence(url: string): Promise<Sequence> {
  const [command, argv] = onLoadCpu([fileURLToPath(new URL("http-sequence.ts", here)), url, String(SEQ_MS)]);
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "ignore"], timeout: SEQ_MS + 30_000 });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`http-sequence.ts exited with ${String(code)}`);
  return JSON.parse(out) as Sequence;
}

/** Starts the named server, warms it with a second of load, then measures its one-connection latency into `sequences`. */
async function startServer(name: string, sequences: Map<string, Sequence[]>): Promise<RunningServer> {
  const child = await forkServer(new URL("http-servers.ts", here), (port) => [name, String(port)], name);
  const url = `http://127.0.0.1:${child.port}/sum`;
  try {
    await load(url, WARM_S, SUM_LOAD);
    sequences.get(name)?.push(await sequence(url));
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { ...child, url };
}

/** Loads `server` for one slice and reads what it served and what that cost it. */
async function measureSlice(server: RunningServer): Promise<Slice> {
  await server.ask("mark");
  const result = await load(server.url, LOAD_S, SUM_LOAD);
  const { cpuMicros } = (await server.ask("report")) as { cpuMicros: number };
  const total = result.requests.total;
  return { reqPerSec: total / result.duration, cpuMicros: cpuMicros / total, p50: result.latency.p50, p99: result.latency.p99 };
}

/** One server's figures over the whole run. */
interface Row {
  readonly name: string;
  readonly slices: readonly Slice[];
  readonly sequences: readonly Sequence[];
}

/** The median of one field of a row's slices. */
function middle(row: Row, field: keyof Slice): number {
  return median(row.slices.map((s) => s[field]));
}

/** `row`'s `field` over `baseline`'s, slice by slice of the same round. */
function paired(row: Row, baseline: Row, field: keyof Slice): Spread {
  return pairedRatio(
    row.slices.map((s) => s[field]),
    baseline.slices.map((s) => s[field]),
  );
}

/** "0.94 (0.81-1.03)": a paired ratio's median and its lowest and highest. */
function spreadText(s: Spread): string {
  return `${s.median.toFixed(2)} (${s.low.toFixed(2)}-${s.high.toFixed(2)})`;
}

/** Prints the table: every server's medians and its paired ratios to raw node:http. */
function printTable(rows: readonly Row[], raw: Row): void {
  const head = ["server", "req/s", "× raw (low-high)", "CPU µs/req", "CPU × raw (low-high)", "p50 ms", "p99 ms", "seq p50 µs", "seq p99 µs"];
  const cells = rows.map((row) => [
    row.name,
    Math.round(middle(row, "reqPerSec")).toLocaleString("en-US"),
    spreadText(paired(row, raw, "reqPerSec")),
    middle(row, "cpuMicros").toFixed(1),
    spreadText(paired(row, raw, "cpuMicros")),
    String(middle(row, "p50")),
    String(middle(row, "p99")),
    Math.round(median(row.sequences.map((s) => s.p50))).toString(),
    Math.round(median(row.sequences.map((s) => s.p99))).toString(),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  for (const line of [head, ...cells]) console.log(line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "));
}

/** A target: `of`'s figure over `against`'s, read as a paired ratio. */
interface Target {
  readonly label: string;
  readonly of: string;
  readonly against: string;
  readonly field: keyof Slice;
  readonly met: (ratio: number) => boolean;
}

const targets: readonly Target[] = [
  { label: "Kit / raw req/s (target ≥ 0.90)", of: "Kit transport-http", against: RAW, field: "reqPerSec", met: (v) => v >= 0.9 },
  { label: "Kit / raw CPU per request (target ≤ 1.15)", of: "Kit transport-http", against: RAW, field: "cpuMicros", met: (v) => v <= 1.15 },
  { label: "Kit / Fastify req/s (target ≥ 1.10)", of: "Kit transport-http", against: "Fastify 5", field: "reqPerSec", met: (v) => v >= 1.1 },
  { label: "Kit router / Fastify, two routes (target ≥ 1.00)", of: "Kit router, two routes", against: "Fastify 5, two routes", field: "reqPerSec", met: (v) => v >= 1 },
];

/** Prints the targets, each a paired ratio (median, lowest-highest) and MET / NOT MET; a target whose servers did not run is left out. */
function printTargets(rows: ReadonlyMap<string, Row>): void {
  console.log("");
  for (const t of targets) {
    const row = rows.get(t.of);
    const baseline = rows.get(t.against);
    if (row === undefined || baseline === undefined) continue;
    const s = paired(row, baseline, t.field);
    console.log(`${t.label}: ${s.median.toFixed(2)} (paired slices: ${s.low.toFixed(2)}-${s.high.toFixed(2)} over ${row.slices.length} rounds) ${t.met(s.median) ? "MET" : "NOT MET"}`);
  }
}

/** Writes `http.svg`: every server's CPU per request, shortest first, with its paired ratio to raw's. */
function writeChart(rows: readonly Row[], raw: Row): void {
  const bars = rows.map((row) => ({ name: row.name, reqPerSec: middle(row, "reqPerSec"), cpuMicros: middle(row, "cpuMicros"), cpuRatio: paired(row, raw, "cpuMicros").median }));
  bars.sort((a, b) => a.cpuMicros - b.cpuMicros);
  const note = `POST {"a":1,"b":2} → {"v":3}, ${SUM_LOAD.connections} connections, ${ROUNDS} rounds of ${LOAD_S} s paired slices (medians), Node ${process.version}, ${cpus().length} CPUs`;
  writeFileSync(new URL("http.svg", here), barChart("Server CPU per request, Kit's HTTP server and its peers (shorter is better)", note, bars));
  console.log("\nwrote http.svg");
}

/** The peers' installed versions, for the heading. */
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

/**
 * The order the rounds rotate: the servers the targets compare first, each beside the one it is
 * read against, so their slices fall one after the other (but once in as many rounds as there are
 * servers, when the rotation splits a pair over the round's two ends); then the rest.
 */
function runOrder(names: readonly string[]): string[] {
  const compared = targets.flatMap((t) => [t.against, t.of]);
  return [...new Set([...compared, ...serverNames])].filter((n) => names.includes(n));
}

/** Runs the servers whose names contain one of `filters` (all when none; raw node:http always) and prints the results. */
async function main(filters: readonly string[]): Promise<void> {
  const began = performance.now();
  const names = serverNames.filter((n) => n === RAW || filters.length === 0 || filters.some((f) => n.includes(f)));
  const sequences = new Map<string, Sequence[]>(names.map((n) => [n, []]));
  const order = runOrder(names);
  const slices = await pairedSlices({
    cases: order,
    rounds: ROUNDS,
    roundsPerStart: ROUNDS_PER_START,
    start: (name) => startServer(name, sequences),
    slice: measureSlice,
    onSlice: (name, s, round) => {
      console.error(`round ${round + 1}/${ROUNDS} ${name}: ${Math.round(s.reqPerSec)} req/s, ${s.cpuMicros.toFixed(1)} µs CPU/req`);
    },
  });
  const rows = names.map((name): Row => ({ name, slices: slices[order.indexOf(name)] ?? [], sequences: sequences.get(name) ?? [] }));
  const raw = rows[names.indexOf(RAW)] ?? { name: RAW, slices: [], sequences: [] };
  const versions = peerVersions();
  const minutes = (performance.now() - began) / 60_000;
  console.log(
    `\nHTTP Sum, ${SUM_LOAD.connections} connections, ${ROUNDS} rounds of a ${LOAD_S} s slice per server, paired (medians; ratios to raw: median of the rounds' own, lowest-highest); Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? arch()}, ${placement}; ${minutes.toFixed(1)} min`,
  );
  console.log(`peers: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  printTable(rows, raw);
  printTargets(new Map(rows.map((row) => [row.name, row])));
  if (filters.length === 0) writeChart(rows, raw);
}

await main(process.argv.slice(2));
