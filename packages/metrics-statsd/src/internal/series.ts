import type { CounterSeries, GaugeSeries, HistogramSeries } from "@kit/metrics";

/** A series the backend flushes: it appends its buffered entries to `out` and resets. */
export interface Buffered {
  drain(out: string[]): void;
}

/** Where a sampled series draws its randomness. */
export interface Sampler {
  readonly rate: number;
  readonly random: () => number;
}

/** Sums deltas between flushes: one `head:sum|c` line per flush, if anything was added. */
export class CounterBuffer implements CounterSeries, Buffered {
  private readonly head: string;
  private readonly suffix: string;
  private readonly rate: number;
  private readonly random: () => number;
  private sum = 0;
  private touched = false;

  constructor(head: string, suffix: string, sampler: Sampler) {
    this.head = head;
    this.suffix = suffix;
    this.rate = sampler.rate;
    this.random = sampler.random;
  }

  add(delta: number): void {
    if (this.rate < 1 && this.random() >= this.rate) return;
    this.sum += delta;
    this.touched = true;
  }

  drain(out: string[]): void {
    if (!this.touched) return;
    // add(Infinity) poisons the sum: drop it rather than send a line no server parses.
    if (Number.isFinite(this.sum)) out.push(`${this.head}:${String(this.sum)}${this.suffix}`);
    this.sum = 0;
    this.touched = false;
  }
}

/**
 * Keeps the gauge's value: one `head:value|g` line per flush, if it was set or added to.
 * With `signedIsRelative` (StatsD, Telegraf), where `-5|g` means "subtract 5", a negative
 * value is sent as `0|g` then `-5|g`, in the same datagram.
 */
export class GaugeBuffer implements GaugeSeries, Buffered {
  private readonly head: string;
  private readonly suffix: string;
  private readonly signedIsRelative: boolean;
  private value = 0;
  private dirty = false;

  constructor(head: string, suffix: string, signedIsRelative: boolean) {
    this.head = head;
    this.suffix = suffix;
    this.signedIsRelative = signedIsRelative;
  }

  set(value: number): void {
    this.value = value;
    this.dirty = true;
  }

  add(delta: number): void {
    this.value += delta;
    this.dirty = true;
  }

  drain(out: string[]): void {
    if (!this.dirty) return;
    this.dirty = false;
    const value = this.value;
    if (!Number.isFinite(value)) return;
    const line = `${this.head}:${String(value)}${this.suffix}`;
    out.push(this.signedIsRelative && value < 0 ? `${this.head}:0${this.suffix}\n${line}` : line);
  }
}

/** Keeps every observation between flushes: one `head:value|ms` (or `|h`) line each. */
export class HistogramBuffer implements HistogramSeries, Buffered {
  private readonly head: string;
  private readonly suffix: string;
  private readonly rate: number;
  private readonly random: () => number;
  private readonly values: number[] = [];

  constructor(head: string, suffix: string, sampler: Sampler) {
    this.head = head;
    this.suffix = suffix;
    this.rate = sampler.rate;
    this.random = sampler.random;
  }

  observe(value: number): void {
    if (this.rate < 1 && this.random() >= this.rate) return;
    this.values.push(value);
  }

  drain(out: string[]): void {
    for (const value of this.values) {
      if (Number.isFinite(value)) out.push(`${this.head}:${String(value)}${this.suffix}`);
    }
    this.values.length = 0;
  }
}
