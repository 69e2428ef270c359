// A tracer provider that keeps its spans in memory, for the tests.
import { SpanKind, type SpanContext } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** An in-memory tracing setup: a provider, its tracer, the W3C propagator, and the finished spans. */
export interface Recorder {
  readonly provider: BasicTracerProvider;
  readonly tracer: ReturnType<BasicTracerProvider["getTracer"]>;
  readonly propagator: W3CTraceContextPropagator;
  /** The finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** The one finished span with this name; throws when there is not exactly one. */
  span(name: string): ReadableSpan;
}

export function recorder(): Recorder {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    provider,
    tracer: provider.getTracer("test"),
    propagator: new W3CTraceContextPropagator(),
    spans,
    span(name) {
      const found = spans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`want one span named ${name}, have ${found.length}: ${spans().map((s) => s.name).join(", ")}`);
      return found[0]!;
    },
  };
}

/** The span id of a span's parent, or `undefined` for a root span. */
export function parentId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** `traceparent` for a span context, as the W3C format writes it. */
export function traceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags.toString(16)}`;
}

/** A readable name for a span kind, for assertions. */
export function kindOf(span: ReadableSpan): string {
  return SpanKind[span.kind];
}
