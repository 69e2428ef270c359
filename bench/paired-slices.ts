// The paired-slices method of the served benchmarks (`middleware.bench.ts`, `http.bench.ts`).
// This machine's speed drifts by a factor of two over tens of seconds, so two servers loaded one
// after the other for seconds each are not measured on the same machine, and a median over a few
// such rounds says little. Instead every case's server runs for the whole block of rounds, and
// each round loads them in turn, a short slice each, in an order that rotates every round, so the
// slices of one round fall within seconds of each other: a slow spell lands on the neighbouring
// slices of every case alike. A case read against another's slice of the same round (a paired
// ratio) then moves far less than either figure; the median of those ratios is what a target
// reads, with their lowest and highest to show the spread. Every `roundsPerStart` rounds each
// case gets a fresh server: a server process keeps its own speed for its life (where its code and
// heap landed; one bare server ran 3 µs a request slower than another for a whole run), so fresh
// servers spread that luck over the cases instead of pinning it on one.

/** A running server the rounds stop when its block is done. */
export interface Stoppable {
  /** Stops the server (its process exits). */
  readonly stop: () => Promise<void>;
}

/** What {@link pairedSlices} runs. */
export interface PairedSlicesPlan<Case, Server extends Stoppable, Slice> {
  /** The cases, one server each; a round loads them in this order, rotated by the round's number. */
  readonly cases: readonly Case[];
  /** Rounds in all; every case gets one slice a round. */
  readonly rounds: number;
  /** Rounds run on the same servers before each case gets a fresh one. */
  readonly roundsPerStart: number;
  /** Starts (and warms) a fresh server for a case. */
  readonly start: (c: Case) => Promise<Server>;
  /** Loads a case's server for one slice and returns what was measured. */
  readonly slice: (server: Server, c: Case) => Promise<Slice>;
  /** Told of every slice as soon as it is measured (`round` counts from 0), for progress lines. */
  readonly onSlice?: (c: Case, slice: Slice, round: number) => void;
}

/**
 * Runs the plan and returns every case's slices in round order, in the order of `plan.cases`:
 * `result[i][round]` is case i's slice of that round, so two cases' slices pair by index. The
 * servers of a block are stopped when it ends, failed or not.
 */
export async function pairedSlices<Case, Server extends Stoppable, Slice>(plan: PairedSlicesPlan<Case, Server, Slice>): Promise<Slice[][]> {
  if (!(plan.rounds >= 1 && plan.roundsPerStart >= 1)) throw new Error(`rounds (${plan.rounds}) and roundsPerStart (${plan.roundsPerStart}) must be at least 1`);
  const slices: Slice[][] = plan.cases.map(() => []);
  for (let first = 0; first < plan.rounds; first += plan.roundsPerStart) {
    await block(plan, first, Math.min(plan.roundsPerStart, plan.rounds - first), slices);
  }
  return slices;
}

/** Starts a fresh server per case and runs `rounds` rounds on them, from round `first`, adding each slice to `slices`. */
async function block<Case, Server extends Stoppable, Slice>(plan: PairedSlicesPlan<Case, Server, Slice>, first: number, rounds: number, slices: Slice[][]): Promise<void> {
  const servers: Server[] = [];
  try {
    for (const c of plan.cases) servers.push(await plan.start(c));
    for (let round = first; round < first + rounds; round++) {
      for (const i of rotated(plan.cases.length, round)) {
        const c = plan.cases[i];
        const server = servers[i];
        if (c === undefined || server === undefined) continue;
        const slice = await plan.slice(server, c);
        slices[i]?.push(slice);
        plan.onSlice?.(c, slice, round);
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** The indexes 0…n-1 starting at `round` mod n: A B C, then B C A, then C A B, … */
function rotated(n: number, round: number): number[] {
  return Array.from({ length: n }, (_unused, i) => (i + round) % n);
}

/** The middle of `values` (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** A set of ratios: their median, lowest and highest. */
export interface Spread {
  /** The median ratio. */
  readonly median: number;
  /** The lowest ratio. */
  readonly low: number;
  /** The highest ratio. */
  readonly high: number;
}

/**
 * A case's figures over a baseline's of the same rounds (`values[i] / baseline[i]`): the median
 * of those paired ratios, and their lowest and highest. NaN throughout when there are none.
 */
export function pairedRatio(values: readonly number[], baseline: readonly number[]): Spread {
  const ratios = values.map((v, i) => v / (baseline[i] ?? Number.NaN)).filter((r) => !Number.isNaN(r));
  if (ratios.length === 0) return { median: Number.NaN, low: Number.NaN, high: Number.NaN };
  return { median: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
}
