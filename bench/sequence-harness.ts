// One call at a time: the latency a chain of service calls pays at each hop. Like
// `compareAsync` (async-harness.ts) it runs the cases in interleaved rounds, but with a single
// call outstanding, timing each call, and reports the median over the rounds of each round's
// p50 and p99 (in µs), so a slow moment of a busy machine moves one round, not the figure.
import type { AsyncCase } from "./async-harness.ts";

/** How long and how often {@link compareSequence} measures. */
export interface SequenceOptions {
  /** Rounds; every case runs once per round, in an order that rotates. Default 5. */
  readonly rounds?: number;
  /** Milliseconds each case runs per round. Default 500. */
  readonly roundMs?: number;
  /** Milliseconds each case runs before the first round. Default 300. */
  readonly warmupMs?: number;
  /** A hard cap on calls per round, so no round can run away. Default 100,000. */
  readonly maxCallsPerRound?: number;
}

/** What {@link compareSequence} found for one case, in microseconds per call. */
export interface LatencyResult {
  /** The case's name. */
  readonly name: string;
  /** The median of the rounds' medians. */
  readonly p50: number;
  /** The median of the rounds' 99th percentiles. */
  readonly p99: number;
  /** Calls timed, over every round. */
  readonly calls: number;
}

/** Runs `run` one call at a time for about `ms` milliseconds and returns each call's latency in µs. */
async function timeCalls(run: () => Promise<unknown>, ms: number, maxCalls: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + ms;
  while (latencies.length < maxCalls && performance.now() < until) {
    const start = performance.now();
    await run();
    latencies.push((performance.now() - start) * 1_000);
  }
  return latencies;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** Times every case one call at a time in interleaved rounds (A B, B A, …) and returns the medians. */
export async function compareSequence(cases: readonly AsyncCase[], options: SequenceOptions = {}): Promise<LatencyResult[]> {
  const { rounds = 5, roundMs = 500, warmupMs = 300, maxCallsPerRound = 100_000 } = options;
  for (const c of cases) await timeCalls(c.run, warmupMs, maxCallsPerRound);
  const samples = cases.map((c) => ({ c, p50: [] as number[], p99: [] as number[], calls: 0 }));
  for (let round = 0; round < rounds; round++) {
    const shift = round % cases.length;
    for (const sample of [...samples.slice(shift), ...samples.slice(0, shift)]) {
      const latencies = (await timeCalls(sample.c.run, roundMs, maxCallsPerRound)).sort((a, b) => a - b);
      sample.p50.push(quantile(latencies, 0.5));
      sample.p99.push(quantile(latencies, 0.99));
      sample.calls += latencies.length;
    }
  }
  return samples.map(({ c, p50, p99, calls }) => ({ name: c.name, p50: median(p50), p99: median(p99), calls }));
}

/**
 * Prints `results` with each case's p50 and p99 in µs and, against `baseline`, the baseline's
 * latency divided by the case's: above 1 is faster, as in `printTable`.
 */
export function printLatency(title: string, results: readonly LatencyResult[], baseline: string): void {
  const base = results.find((r) => r.name === baseline);
  if (base === undefined) throw new Error(`no case named ${baseline}`);
  const width = Math.max(4, ...results.map((r) => r.name.length));
  console.log(`\n${title}`);
  console.log(`${"case".padEnd(width)}  ${"p50 µs".padStart(8)}  ${"p99 µs".padStart(8)}  ${"calls".padStart(8)}  ${"p50 vs base".padStart(11)}  ${"p99 vs base".padStart(11)}`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${r.p50.toFixed(0).padStart(8)}  ${r.p99.toFixed(0).padStart(8)}  ${r.calls.toLocaleString("en-US").padStart(8)}  ${(base.p50 / r.p50).toFixed(2).padStart(11)}  ${(base.p99 / r.p99).toFixed(2).padStart(11)}`,
    );
  }
  console.log(`(vs base: ${baseline}'s latency divided by the case's; above 1 is faster)`);
}
