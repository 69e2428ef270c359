import type { Attributes, TextMapPropagator, Tracer } from "@opentelemetry/api";

/** Options every transport's trace hooks take. */
export interface TraceOptions {
  /**
   * The tracer to start spans with; defaults to the global provider's tracer named
   * `@kit/tracing`, looked up at each span, so a provider registered later is used.
   */
  readonly tracer?: Tracer;
  /**
   * Reads and writes the trace context on the wire; defaults to the global propagator
   * (`propagation` from `@opentelemetry/api`), which the OpenTelemetry SDK sets to W3C
   * `traceparent`/`tracestate` and baggage. Without an SDK or a propagator set, nothing crosses the wire.
   */
  readonly propagator?: TextMapPropagator;
  /** Attributes added to every span the hooks start. */
  readonly attributes?: Attributes;
}

/**
 * A transport's `before` and `finalizer` hooks that trace it: `before` starts the span (and
 * reads or writes the trace context on the wire), `finalizer` ends it with the outcome. Spread
 * it into the transport's options, or put its hooks next to your own.
 *
 * @typeParam Before - the transport's `before` hook type
 * @typeParam Finalizer - the transport's `finalizer` hook type
 *
 * @example
 * ```ts
 * const tracing = httpServerTrace({ route: "/sum" });
 * server(sum, decode, encode, { ...tracing, errorHandler });
 * server(sum, decode, encode, { before: [...tracing.before, withAuthorization], finalizer: tracing.finalizer });
 * ```
 */
export interface TraceHooks<Before, Finalizer> {
  /** Starts the span; put it first, so the other hooks run inside it. */
  readonly before: readonly [Before];
  /** Ends the span with the outcome. */
  readonly finalizer: readonly [Finalizer];
}
