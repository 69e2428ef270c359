/**
 * The observations of a histogram over one flush interval, for backends that send
 * percentiles (Graphite, InfluxDB; Go kit's `generic.Histogram` plays this part): an exact
 * count, and up to `capacity` values, a uniform sample of them once there are more (Vitter's
 * algorithm R). The sample's array is allocated once, on the first observation; observing
 * allocates nothing.
 *
 * @example
 * ```ts
 * const window = new SampleWindow(1024);
 * for (const ms of [3, 5, 8, 13]) window.add(ms);
 * const [p50, p99] = window.drain([0.5, 0.99]); // 5, 13; and the window is empty again
 * ```
 */
export class SampleWindow {
  private readonly capacity: number;
  private samples: Float64Array | undefined;
  // xorshift32 state, in a typed array so updating it never boxes a number (Math.random
  // allocates as it refills its cache).
  private readonly state = new Int32Array([(Math.random() * 0x7fffffff) | 1]);
  /** Observations since the last {@link SampleWindow.drain}, all of them, not only the kept ones. */
  count = 0;

  /**
   * @param capacity - how many values the sample keeps at most
   */
  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`capacity must be a whole number of at least 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /**
   * Records one observation.
   *
   * @param value - the observed value
   */
  add(value: number): void {
    this.samples ??= new Float64Array(this.capacity);
    const n = this.count++;
    if (n < this.capacity) {
      this.samples[n] = value;
    } else {
      const j = this.next() % (n + 1);
      if (j < this.capacity) this.samples[j] = value;
    }
  }

  /** A pseudo-random unsigned 32-bit integer. */
  private next(): number {
    let x = this.state[0] ?? 1;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state[0] = x;
    return x >>> 0;
  }

  /**
   * The nearest-rank quantiles of what was kept (the smallest kept value with at least `q` of
   * the kept values at or below it), then forgets everything. Empty without observations.
   *
   * @param quantiles - the quantiles wanted, each from 0 to 1, such as `[0.5, 0.99]`
   */
  drain(quantiles: readonly number[]): number[] {
    const kept = Math.min(this.count, this.capacity);
    this.count = 0;
    if (kept === 0 || this.samples === undefined) return [];
    const sorted = this.samples.subarray(0, kept).sort();
    return quantiles.map((q) => sorted[Math.max(0, Math.ceil(q * kept) - 1)] ?? NaN);
  }
}
