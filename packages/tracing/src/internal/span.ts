import { contextKey, withValue, type Context, type ContextKey, type KitError } from "@kit/endpoint";
import {
  propagation,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context as OtelContext,
  type Span,
  type SpanKind,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import { withOtelContext } from "../context.ts";
import { withSpan } from "./layered-context.ts";
import type { TraceOptions } from "../options.ts";

/** The name of the tracer `@kit/tracing` uses when none is given. */
export const tracerName = "@kit/tracing";

/** The attribute that holds a failed call's `KitError` code. */
export const errorCodeAttribute = "kit.error.code";

/** The tracer to use now: the given one, or the global provider's. */
export function tracerOf(options: { readonly tracer?: Tracer | undefined }): Tracer {
  return options.tracer ?? trace.getTracer(tracerName);
}

/** The propagator to use: the given one, or the global one. */
export function propagatorOf(options: TraceOptions): TextMapPropagator {
  return options.propagator ?? propagation;
}

/** Where one set of hooks keeps the span its `before` started, for its `finalizer` to end. */
export type SpanSlot = ContextKey<Span>;

/** A slot of its own for each set of hooks, so a finalizer never ends another hook's span. */
export function spanSlot(name: string): SpanSlot {
  return contextKey<Span>(`@kit/tracing.${name}`);
}

/** What {@link startSpan} needs. */
export interface SpanStart {
  readonly slot: SpanSlot;
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  readonly parent: OtelContext;
}

/**
 * Starts a span under `parent` and returns Kit's context carrying it (in the slot, and as the
 * OpenTelemetry context the next spans start under), with the OpenTelemetry context itself.
 */
export function startSpan(ctx: Context, options: TraceOptions, start: SpanStart): readonly [Context, OtelContext] {
  const attributes = options.attributes === undefined ? start.attributes : { ...start.attributes, ...options.attributes };
  const span = tracerOf(options).startSpan(start.name, { kind: start.kind, attributes }, start.parent);
  const spanContext = withSpan(start.parent, span);
  return [withOtelContext(withValue(ctx, start.slot, span), spanContext), spanContext];
}

/** The span this slot's `before` started, while it is still open. */
export function openSpan(ctx: Context, slot: SpanSlot): Span | undefined {
  const span = ctx.value(slot);
  return span?.isRecording() === true ? span : undefined;
}

/** Records a Kit error on a span: its code always, and an ERROR status with its message when `fails`. */
export function recordError(span: Span, error: KitError | undefined, fails: boolean): void {
  if (error !== undefined) span.setAttribute(errorCodeAttribute, error.code);
  if (fails) span.setStatus(error === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message: error.message });
}
