import type { Backend } from "./backend.ts";
import type { CounterSeries, GaugeSeries, HistogramSeries } from "./metric.ts";
import { provider, type Provider } from "./provider.ts";

const nothing: CounterSeries & GaugeSeries & HistogramSeries = Object.freeze({
  add(): void {
    // discarded
  },
  set(): void {
    // discarded
  },
  observe(): void {
    // discarded
  },
});

const backend: Backend = {
  counter: () => () => nothing,
  gauge: () => () => nothing,
  histogram: () => () => nothing,
};

/**
 * A {@link Provider} that records nothing, Go kit's `metrics/discard`. Declarations and labels
 * are still checked, so code that passes with it passes with a real backend.
 *
 * @example
 * ```ts
 * const metrics = options.metrics ?? discard();
 * ```
 */
export function discard(): Provider {
  return provider(backend);
}
