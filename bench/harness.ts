// Kit's benchmark harness: measures cases side by side in interleaved rounds and prints
// ratios against a baseline. Each benchmark is a plain script (`node <name>.bench.ts`) that
// builds its cases, calls `compare`, then `printTable`.
import { getHeapStatistics } from "node:v8";

/** One thing to measure: `run` performs one operation (for example, logs one record). */
export interface Case {
  /** The row's name in the table. */
  readonly name: string;
  /** Performs one operation. */
  readonly run: () => void;
}

/** How long and how often `compare` measures. */
export interface CompareOptions {
  /** Rounds; every case runs once per round, in an order that rotates. Default 9. */
  readonly rounds?: number;
  /** Milliseconds each case runs per round. Default 150. */
  readonly roundMs?: number;
  /** Milliseconds each case runs before the first round, to let the JIT settle. Default 300. */
  readonly warmupMs?: number;
  /** Operations between two reads of the clock. Default 256. */
  readonly batch?: number;
}

/** What `compare` found for one case. */
export interface Result {
  /** The case's name. */
  readonly name: string;
  /** The median of the rounds' operations per second. */
  readonly opsPerSec: number;
  /** The slowest and fastest rounds, in operations per second. */
  readonly range: readonly [number, number];
  /** Bytes allocated on the JS heap per operation (median of short samples). */
  readonly bytesPerOp: number;
}

/** Runs `run` for about `ms` milliseconds and returns its operations per second. */
export function measure(run: () => void, ms: number, batch = 256): number {
  const budget = BigInt(Math.round(ms * 1e6));
  const start = process.hrtime.bigint();
  let ops = 0;
  for (;;) {
    for (let i = 0; i < batch; i++) run();
    ops += batch;
    const elapsed = process.hrtime.bigint() - start;
    if (elapsed >= budget) return (ops * 1e9) / Number(elapsed);
  }
}

/**
 * Bytes allocated per operation: the growth of the used heap over a few hundred operations,
 * as the median of several samples (a sample that a garbage collection ran through is an
 * outlier on the low side, which the median ignores).
 */
export function allocation(run: () => void, samples = 15, ops = 200): number {
  const sizes: number[] = [];
  for (let s = 0; s < samples; s++) {
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < ops; i++) run();
    sizes.push((getHeapStatistics().used_heap_size - before) / ops);
  }
  return Math.max(0, median(sizes));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/**
 * Measures every case in interleaved rounds (A B C, B C A, C A B, …) and returns the medians,
 * so a slow moment of a busy machine hits every case alike instead of one.
 */
export function compare(cases: readonly Case[], options: CompareOptions = {}): Result[] {
  const { rounds = 9, roundMs = 150, warmupMs = 300, batch = 256 } = options;
  for (const c of cases) measure(c.run, warmupMs, batch);
  const samples = cases.map((c) => ({ c, rates: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order, so no case always runs first or right after a given other.
    for (const { c, rates } of [...samples.slice(round % cases.length), ...samples.slice(0, round % cases.length)]) {
      rates.push(measure(c.run, roundMs, batch));
    }
  }
  return samples.map(({ c, rates }) => {
    return {
      name: c.name,
      opsPerSec: median(rates),
      range: [Math.min(...rates), Math.max(...rates)],
      bytesPerOp: allocation(c.run),
    };
  });
}

/** The ratio of a case's median rate to the baseline's: above 1 is faster. */
export function ratio(results: readonly Result[], name: string, baseline: string): number {
  const find = (n: string): Result => {
    const found = results.find((r) => r.name === n);
    if (found === undefined) throw new Error(`no case named ${n}`);
    return found;
  };
  return find(name).opsPerSec / find(baseline).opsPerSec;
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

/** Prints `results` as a table with each case's rate, its spread, bytes per op and ratio to `baseline`. */
export function printTable(title: string, results: readonly Result[], baseline: string): void {
  const width = Math.max(4, ...results.map((r) => r.name.length));
  console.log(`\n${title}`);
  console.log(`${pad("case", width, true)}  ${pad("ops/s", 11)}  ${pad("range (min-max)", 21)}  ${pad("B/op", 6)}  ${pad("vs " + baseline, 8)}`);
  for (const r of results) {
    const range = `${Math.round(r.range[0]).toLocaleString("en-US")}-${Math.round(r.range[1]).toLocaleString("en-US")}`;
    console.log(
      `${pad(r.name, width, true)}  ${pad(Math.round(r.opsPerSec).toLocaleString("en-US"), 11)}  ${pad(range, 21)}  ${pad(Math.round(r.bytesPerOp).toString(), 6)}  ${pad(ratio(results, r.name, baseline).toFixed(2), 8)}`,
    );
  }
}
