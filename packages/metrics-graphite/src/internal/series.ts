import { withSuffix } from "./path.ts";
import { SampleWindow, type CounterSeries, type GaugeSeries, type HistogramSeries } from "@kit/metrics";

/** A series the backend flushes: it appends its lines (without newlines) to `out`. */
export interface Flushed {
  drain(out: string[], timestamp: string): void;
}

/**
 * Sums what is added: each flush writes `path sum timestamp`, then starts again from 0 when
 * `delta`, or keeps the running total otherwise. A series is written every flush, 0 included.
 */
export class CounterCell implements CounterSeries, Flushed {
  private readonly path: string;
  private readonly delta: boolean;
  private sum = 0;

  constructor(path: string, delta: boolean) {
    this.path = path;
    this.delta = delta;
  }

  add(delta: number): void {
    this.sum += delta;
  }

  drain(out: string[], timestamp: string): void {
    const value = this.sum;
    if (this.delta) this.sum = 0;
    if (Number.isFinite(value)) out.push(`${this.path} ${String(value)} ${timestamp}`);
  }
}

/** Keeps the gauge's value: each flush writes `path value timestamp`. */
export class GaugeCell implements GaugeSeries, Flushed {
  private readonly path: string;
  private value = 0;

  constructor(path: string) {
    this.path = path;
  }

  set(value: number): void {
    this.value = value;
  }

  add(delta: number): void {
    this.value += delta;
  }

  drain(out: string[], timestamp: string): void {
    if (Number.isFinite(this.value)) out.push(`${this.path} ${String(this.value)} ${timestamp}`);
  }
}

/**
 * Keeps one flush interval's observations: each flush writes `path.count n timestamp` and,
 * when there were observations, one `path.pNN value timestamp` per quantile.
 */
export class HistogramCell implements HistogramSeries, Flushed {
  private readonly countPath: string;
  private readonly quantiles: readonly number[];
  private readonly quantilePaths: readonly string[];
  private readonly window: SampleWindow;

  constructor(path: string, quantiles: readonly number[], maxSamples: number) {
    this.countPath = withSuffix(path, ".count");
    this.quantiles = quantiles;
    this.quantilePaths = quantiles.map((q) => withSuffix(path, `.${quantileSuffix(q)}`));
    this.window = new SampleWindow(maxSamples);
  }

  observe(value: number): void {
    if (Number.isFinite(value)) this.window.add(value);
  }

  drain(out: string[], timestamp: string): void {
    out.push(`${this.countPath} ${String(this.window.count)} ${timestamp}`);
    this.window.drain(this.quantiles).forEach((value, i) => {
      out.push(`${this.quantilePaths[i] ?? ""} ${String(value)} ${timestamp}`);
    });
  }
}

/** `0.5` → `p50`, `0.99` → `p99`, `0.999` → `p999`: Go kit's names, never a dot. */
export function quantileSuffix(q: number): string {
  return "p" + String(q).slice(2).padEnd(2, "0");
}
