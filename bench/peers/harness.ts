// The peers' harness: each peer benchmark builds one case per framework (its client and its
// server, all in this process) and hands them to `runPeers`, which measures them
//
// - with `inFlight` calls outstanding, in interleaved rounds: calls/s and this process's CPU per
//   call (`process.cpuUsage()`, every thread, client and server together; the broker is not in
//   it), the figure a loaded machine moves least; and, when the broker runs on this machine and
//   is named (`brokerProcess`), the broker's CPU per call too (read from /proc, broker-cpu.ts);
// - one call at a time, in interleaved rounds: p50 and p99 in µs (sequence-harness.ts);
//
// and prints each with the ratio of every case to the baseline, then the targets it is given.
import type { AsyncCase } from "../async-harness.ts";
import { brokerCpuClock, type CpuClock } from "./broker-cpu.ts";
import { compareSequence, printLatency, type LatencyResult } from "../sequence-harness.ts";

/** One framework's side of a benchmark: the case to run and how to stop its client and server. */
export interface Peer {
  /** Performs one call (or one message) and settles when it is done. */
  readonly case: AsyncCase;
  /** Closes its client and server. */
  readonly close: () => Promise<void>;
}

/** A target to print: `name` at least `min` times `than` on calls/s under load. */
export interface Target {
  readonly name: string;
  readonly than: string;
  readonly min: number;
}

/** How `runPeers` measures; the defaults fit a two-core machine in about a minute per four cases. */
export interface PeerOptions {
  /** Calls kept outstanding in the loaded rounds. Default 64. */
  readonly inFlight?: number;
  /** Loaded rounds. Default 5. */
  readonly rounds?: number;
  /** Milliseconds each case runs per loaded round. Default 1,000. */
  readonly roundMs?: number;
  /** Sequential rounds (one call at a time). Default 5. */
  readonly sequenceRounds?: number;
  /** Milliseconds each case runs per sequential round. Default 500. */
  readonly sequenceMs?: number;
  /** A hard cap on calls per round. Default 200,000. */
  readonly maxCallsPerRound?: number;
  /** Targets to print as MET or NOT MET (reported, never an exit code: the machine may be loaded). */
  readonly targets?: readonly Target[];
  /** Skips the sequential rounds (a fire-and-forget comparison has no per-call latency). */
  readonly loadedOnly?: boolean;
  /**
   * The broker's process name (`/proc/<pid>/comm`, e.g. `nats-server`): when such a process runs
   * on this machine, the loaded rounds also count its CPU per call. Default none.
   */
  readonly brokerProcess?: string;
}

/** What the loaded rounds found for one case. */
export interface LoadedResult {
  readonly name: string;
  /** The median of the rounds' calls per second. */
  readonly perSec: number;
  /** The median of the rounds' CPU per call, in µs. */
  readonly cpuUs: number;
  /** The median of the rounds' broker CPU per call, in µs; NaN when the broker's is not read. */
  readonly brokerCpuUs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

interface Round {
  readonly perSec: number;
  readonly cpuUs: number;
  readonly brokerCpuUs: number;
}

/** How one loaded round runs: for about `ms` ms, `inFlight` calls outstanding, at most `maxCalls`; `broker` reads the broker's CPU, if it is read. */
interface RoundLimits {
  readonly ms: number;
  readonly inFlight: number;
  readonly maxCalls: number;
  readonly broker: CpuClock | undefined;
}

/** Runs `run` as `limits` say: calls/s, CPU µs per call here and in the broker. */
async function loadedRound(run: () => Promise<unknown>, limits: RoundLimits): Promise<Round> {
  const { ms, inFlight, maxCalls, broker } = limits;
  const brokerStart = broker?.() ?? Number.NaN;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let started = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (started < maxCalls && performance.now() - start < ms) {
      started++;
      await run();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const brokerUsed = (broker?.() ?? Number.NaN) - brokerStart;
  const calls = Math.max(1, done);
  return { perSec: (done * 1_000) / elapsed, cpuUs: (used.user + used.system) / calls, brokerCpuUs: brokerUsed / calls };
}

/** Measures every case with `inFlight` calls outstanding in interleaved rounds after one warm-up round each. */
export async function compareLoaded(cases: readonly AsyncCase[], options: PeerOptions = {}): Promise<LoadedResult[]> {
  const { inFlight = 64, rounds = 5, roundMs = 1_000, maxCallsPerRound = 200_000 } = options;
  const broker = options.brokerProcess === undefined ? undefined : brokerCpuClock(options.brokerProcess);
  const limits: RoundLimits = { ms: roundMs, inFlight, maxCalls: maxCallsPerRound, broker };
  for (const c of cases) await loadedRound(c.run, limits);
  const samples = cases.map((c) => ({ c, perSec: [] as number[], cpuUs: [] as number[], brokerCpuUs: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const shift = round % cases.length;
    for (const s of [...samples.slice(shift), ...samples.slice(0, shift)]) {
      const r = await loadedRound(s.c.run, limits);
      s.perSec.push(r.perSec);
      s.cpuUs.push(r.cpuUs);
      s.brokerCpuUs.push(r.brokerCpuUs);
    }
  }
  return samples.map((s) => ({ name: s.c.name, perSec: median(s.perSec), cpuUs: median(s.cpuUs), brokerCpuUs: median(s.brokerCpuUs) }));
}

function find<T extends { name: string }>(results: readonly T[], name: string): T {
  const found = results.find((r) => r.name === name);
  if (found === undefined) throw new Error(`no case named ${name}`);
  return found;
}

/** Prints the loaded results with calls/s, CPU per call and both as a ratio to `baseline` (above 1: better); the broker's CPU per call when it was read. */
export function printLoaded(title: string, results: readonly LoadedResult[], baseline: string): void {
  const base = find(results, baseline);
  const width = Math.max(4, ...results.map((r) => r.name.length));
  const withBroker = !Number.isNaN(base.brokerCpuUs);
  const brokerHead = withBroker ? `  ${"broker µs/call".padStart(14)}  ${"both × base".padStart(11)}` : "";
  console.log(`\n${title}`);
  console.log(`${"case".padEnd(width)}  ${"calls/s".padStart(9)}  ${"× base".padStart(7)}  ${"CPU µs/call".padStart(11)}  ${"CPU × base".padStart(10)}${brokerHead}`);
  for (const r of results) {
    const both = (r.cpuUs + r.brokerCpuUs) / (base.cpuUs + base.brokerCpuUs);
    const brokerCells = withBroker ? `  ${r.brokerCpuUs.toFixed(1).padStart(14)}  ${both.toFixed(2).padStart(11)}` : "";
    console.log(
      `${r.name.padEnd(width)}  ${Math.round(r.perSec).toLocaleString("en-US").padStart(9)}  ${(r.perSec / base.perSec).toFixed(2).padStart(7)}  ${r.cpuUs.toFixed(1).padStart(11)}  ${(r.cpuUs / base.cpuUs).toFixed(2).padStart(10)}${brokerCells}`,
    );
  }
  console.log(`(× base: calls/s over ${baseline}'s, above 1 is faster; CPU × base: CPU per call over ${baseline}'s, below 1 is cheaper)`);
  if (withBroker) console.log("(broker µs/call: the broker process's CPU per call over the same rounds; both × base: this process's and the broker's together, over the baseline's)");
}

function printTargets(targets: readonly Target[], loaded: readonly LoadedResult[], sequence: readonly LatencyResult[]): void {
  if (targets.length === 0) return;
  console.log("\ntargets (for a quiet machine; calls/s under load, then CPU per call and sequential p50 for the same pair, above 1 better):");
  for (const t of targets) {
    const got = find(loaded, t.name).perSec / find(loaded, t.than).perSec;
    const cpu = find(loaded, t.than).cpuUs / find(loaded, t.name).cpuUs;
    const seq = sequence.length === 0 ? "" : `, sequential p50 ${(find(sequence, t.than).p50 / find(sequence, t.name).p50).toFixed(2)}`;
    console.log(`  ${t.name} ≥ ${t.min.toFixed(2)}× ${t.than}: ${got >= t.min ? "MET" : "NOT MET"} (${got.toFixed(2)}; CPU ${cpu.toFixed(2)}${seq})`);
  }
}

/**
 * Runs the loaded rounds, then the sequential ones, prints both tables and the targets, and
 * closes every peer (also when a round fails).
 */
export async function runPeers(title: string, peers: readonly Peer[], baseline: string, options: PeerOptions = {}): Promise<void> {
  const cases = peers.map((p) => p.case);
  const inFlight = options.inFlight ?? 64;
  try {
    const loaded = await compareLoaded(cases, options);
    printLoaded(`${title}, ${String(inFlight)} in flight`, loaded, baseline);
    let sequence: LatencyResult[] = [];
    if (options.loadedOnly !== true) {
      sequence = await compareSequence(cases, { rounds: options.sequenceRounds ?? 5, roundMs: options.sequenceMs ?? 500, maxCallsPerRound: options.maxCallsPerRound ?? 200_000 });
      printLatency(`${title}, one call at a time (µs per call)`, sequence, baseline);
    }
    printTargets(options.targets ?? [], loaded, sequence);
  } finally {
    for (const peer of peers) await peer.close();
  }
}
