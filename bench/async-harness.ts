// Kit's harness for asynchronous benchmarks (network round trips): like `compare` in
// harness.ts, it measures the cases in interleaved rounds and reports medians, but each
// operation is a promise, and `inFlight` of them run at once (a client with several calls
// outstanding, as a loaded service has).
import type { Result } from "./harness.ts";
import { median } from "./paired-slices.ts";

/** A case's result with every round's rate, in round order, so two cases' rounds pair by index. */
export interface AsyncResult extends Result {
  /** Operations per second of each round, in round order. */
  readonly rates: readonly number[];
}

/** One asynchronous thing to measure: `run` performs one operation (one call, one message). */
export interface AsyncCase {
  /** The row's name in the table. */
  readonly name: string;
  /** Performs one operation; the promise settles when it is done. */
  readonly run: () => Promise<unknown>;
}

/** How long and how often {@link compareAsync} measures. */
export interface AsyncCompareOptions {
  /** Rounds; every case runs once per round, in an order that rotates. Default 7. */
  readonly rounds?: number;
  /** Milliseconds each case runs per round. Default 500. */
  readonly roundMs?: number;
  /** Milliseconds each case runs before the first round. Default 1000. */
  readonly warmupMs?: number;
  /** Operations kept outstanding at once. Default 32. */
  readonly inFlight?: number;
  /** A hard cap on operations per round, so no round can run away. Default 1,000,000. */
  readonly maxOpsPerRound?: number;
}

/**
 * Runs `run` with `inFlight` operations outstanding for about `ms` milliseconds, and returns
 * the completed operations per second. Rejects if an operation fails.
 */
export async function measureAsync(run: () => Promise<unknown>, ms: number, inFlight = 32, maxOps = 1_000_000): Promise<number> {
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(ms * 1e6));
  let started = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (started < maxOps && process.hrtime.bigint() - start < budget) {
      started++;
      await run();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = Number(process.hrtime.bigint() - start);
  return (done * 1e9) / elapsed;
}

/**
 * Measures every case in interleaved rounds (A B, B A, …) and returns the medians, so a slow
 * moment of a busy machine hits every case alike, with each round's rate (`rates`: two cases'
 * rounds ran next to each other, so `pairedRatio` in paired-slices.ts can read one against the
 * other round by round). The results print with `printTable` from harness.ts (`bytesPerOp` is
 * not measured for asynchronous cases and is 0).
 */
export async function compareAsync(cases: readonly AsyncCase[], options: AsyncCompareOptions = {}): Promise<AsyncResult[]> {
  const { rounds = 7, roundMs = 500, warmupMs = 1_000, inFlight = 32, maxOpsPerRound = 1_000_000 } = options;
  for (const c of cases) await measureAsync(c.run, warmupMs, inFlight, maxOpsPerRound);
  const samples = cases.map((c) => ({ c, rates: [] as number[] }));
  for (let round = 0; round < rounds; round++) {
    const shift = round % cases.length;
    for (const { c, rates } of [...samples.slice(shift), ...samples.slice(0, shift)]) {
      rates.push(await measureAsync(c.run, roundMs, inFlight, maxOpsPerRound));
    }
  }
  return samples.map(({ c, rates }) => ({
    name: c.name,
    opsPerSec: median(rates),
    range: [Math.min(...rates), Math.max(...rates)] as const,
    bytesPerOp: 0,
    rates,
  }));
}
