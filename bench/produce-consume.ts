// The rounds the broker benchmarks that produce and then consume share (sqs.bench.ts,
// redis.bench.ts): each round, each side (raw client, Kit) produces its messages, then each side
// consumes its own; rounds alternate which side goes first, and round 0 warms both up and is not
// counted. What is measured: each phase's messages per second and this process's CPU time per
// message. Also here: a pool of concurrent calls, and the latency of calls made one at a time.
import type { Result } from "./harness.ts";

/** A side of the comparison. */
export type Side = "raw" | "kit";

/** A measured phase: one side producing or consuming. */
export type Phase = `${Side} ${"produce" | "consume"}`;

/** What one side does in a round: each resolves once all of the round's messages are through. */
export interface SidePhases {
  /** Sends the round's messages. */
  readonly produce: () => Promise<void>;
  /** Consumes what this side produced. */
  readonly consume: () => Promise<void>;
}

/** How many rounds, of how many messages; and what to do before each (fresh queues). */
export interface RoundsOptions {
  /** Counted rounds; a warm-up round runs before them. */
  readonly rounds: number;
  /** Messages each phase handles. */
  readonly perRound: number;
  /** Runs before each round, the warm-up included. */
  readonly beforeRound?: () => Promise<void>;
}

/** Each counted round's figures, by phase. */
export interface RoundsSamples {
  /** Messages per second. */
  readonly rates: Record<Phase, number[]>;
  /** Microseconds of this process's CPU per message. */
  readonly cpu: Record<Phase, number[]>;
}

const phases = (): Record<Phase, number[]> => ({ "raw produce": [], "kit produce": [], "raw consume": [], "kit consume": [] });

/** Runs the rounds: in each, both sides produce (alternating which goes first), then both consume in the same order. */
export async function produceConsumeRounds(sides: Readonly<Record<Side, SidePhases>>, options: RoundsOptions): Promise<RoundsSamples> {
  const { rounds, perRound, beforeRound } = options;
  const samples: RoundsSamples = { rates: phases(), cpu: phases() };
  const timed = async (phase: Phase, run: () => Promise<void>, counted: boolean): Promise<void> => {
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    await run();
    const rate = (perRound * 1e9) / Number(process.hrtime.bigint() - start);
    const spent = process.cpuUsage(cpuBefore);
    if (!counted) return;
    samples.rates[phase].push(rate);
    samples.cpu[phase].push((spent.user + spent.system) / perRound);
  };
  for (let round = 0; round <= rounds; round++) {
    await beforeRound?.();
    const order: readonly Side[] = round % 2 === 0 ? ["raw", "kit"] : ["kit", "raw"];
    for (const side of order) await timed(`${side} produce`, sides[side].produce, round > 0);
    for (const side of order) await timed(`${side} consume`, sides[side].consume, round > 0);
  }
  return samples;
}

/** The middle value (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

/** A phase's row for `printTable`: the median rate and the slowest and fastest rounds. */
export function phaseResult(samples: RoundsSamples, phase: Phase): Result {
  const rates = samples.rates[phase];
  return { name: phase, opsPerSec: median(rates), range: [Math.min(...rates), Math.max(...rates)], bytesPerOp: 0 };
}

/** The median of each round's own Kit/raw ratio: both sides of a round run back to back, so load that drifts between rounds cancels out. */
export function pairedRatio(kit: readonly number[], raw: readonly number[]): number {
  return median(kit.map((rate, i) => rate / (raw[i] ?? Number.NaN)));
}

/** Runs `task(i)` for i in [0, count) with at most `width` at once. */
export async function pool(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Latencies of calls made one at a time, in microseconds. */
export interface Latencies {
  /** How many calls were timed. */
  readonly count: number;
  /** The median. */
  readonly p50: number;
  /** The 99th percentile. */
  readonly p99: number;
}

/**
 * Times `run` called one at a time (each awaited before the next), `count` calls or for `ms`
 * milliseconds, whichever ends first, into `into` (microseconds).
 */
export async function sequentialCalls(run: (i: number) => Promise<unknown>, count: number, ms: number, into: number[] = []): Promise<number[]> {
  const end = Date.now() + ms;
  for (let i = 0; i < count && Date.now() < end; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    into.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  return into;
}

/** The p50 and p99 of some latencies. */
export function percentiles(latencies: readonly number[]): Latencies {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99) };
}
