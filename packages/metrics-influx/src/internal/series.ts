import { SampleWindow, type CounterSeries, type GaugeSeries, type HistogramSeries } from "@kit/metrics";

/** A series the backend flushes: it appends its line (without a newline) to `out`, if it changed. */
export interface Flushed {
  drain(out: string[], timestamp: string): void;
}

/** Sums what is added: a flush writes `head count=<sum> ts` if anything was added, then starts from 0. */
export class CounterCell implements CounterSeries, Flushed {
  private readonly head: string;
  private sum = 0;
  private touched = false;

  constructor(head: string) {
    this.head = head;
  }

  add(delta: number): void {
    this.sum += delta;
    this.touched = true;
  }

  drain(out: string[], timestamp: string): void {
    if (!this.touched) return;
    if (Number.isFinite(this.sum)) out.push(`${this.head} count=${String(this.sum)} ${timestamp}`);
    this.sum = 0;
    this.touched = false;
  }
}

/** Keeps the gauge's value: a flush writes `head value=<v> ts` if it was set or added to. */
export class GaugeCell implements GaugeSeries, Flushed {
  private readonly head: string;
  private value = 0;
  private touched = false;

  constructor(head: string) {
    this.head = head;
  }

  set(value: number): void {
    this.value = value;
    this.touched = true;
  }

  add(delta: number): void {
    this.value += delta;
    this.touched = true;
  }

  drain(out: string[], timestamp: string): void {
    if (!this.touched) return;
    this.touched = false;
    if (Number.isFinite(this.value)) out.push(`${this.head} value=${String(this.value)} ${timestamp}`);
  }
}

/**
 * Keeps one flush interval's observations: a flush writes
 * `head count=<n>,sum=<s>,p50=…,p90=… ts` if there were any, then starts over.
 */
export class HistogramCell implements HistogramSeries, Flushed {
  private readonly head: string;
  private readonly quantiles: readonly number[];
  private readonly fields: readonly string[];
  private readonly window: SampleWindow;
  private sum = 0;

  constructor(head: string, quantiles: readonly number[], maxSamples: number) {
    this.head = head;
    this.quantiles = quantiles;
    this.fields = quantiles.map((q) => `,${quantileField(q)}=`);
    this.window = new SampleWindow(maxSamples);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    this.window.add(value);
    this.sum += value;
  }

  drain(out: string[], timestamp: string): void {
    const count = this.window.count;
    if (count === 0) return;
    const sum = this.sum;
    this.sum = 0;
    let line = `${this.head} count=${String(count)},sum=${String(sum)}`;
    this.window.drain(this.quantiles).forEach((value, i) => {
      line += `${this.fields[i] ?? ""}${String(value)}`;
    });
    // A sum can overflow to Infinity, which line protocol cannot carry.
    if (Number.isFinite(sum)) out.push(`${line} ${timestamp}`);
  }
}

/** `0.5` → `p50`, `0.99` → `p99`, `0.999` → `p999`: Go kit's field names. */
export function quantileField(q: number): string {
  return "p" + String(q).slice(2).padEnd(2, "0");
}
