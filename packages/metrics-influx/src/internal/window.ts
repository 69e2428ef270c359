/**
 * The observations of one flush interval, for percentiles: an exact count, and up to
 * `capacity` values, a uniform sample of them once there are more (Vitter's algorithm R).
 * The array is allocated once, on the first observation; observing allocates nothing.
 */
export class Window {
  private readonly capacity: number;
  private samples: Float64Array | undefined;
  // xorshift32 state, in a typed array so updating it never boxes a number (Math.random
  // allocates as it refills its cache).
  private readonly state = new Int32Array([(Math.random() * 0x7fffffff) | 1]);
  /** Observations since the last reset, all of them, not only the kept ones. */
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

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
   * The nearest-rank quantiles of what was kept (the smallest kept value with at least
   * `q` of the kept values at or below it), then forgets everything. Empty without observations.
   */
  drain(quantiles: readonly number[]): number[] {
    const kept = Math.min(this.count, this.capacity);
    this.count = 0;
    if (kept === 0 || this.samples === undefined) return [];
    const sorted = this.samples.subarray(0, kept).sort();
    return quantiles.map((q) => sorted[Math.max(0, Math.ceil(q * kept) - 1)] ?? NaN);
  }
}
