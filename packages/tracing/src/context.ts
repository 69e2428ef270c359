import { contextKey, withValue, type Context } from "@kit/endpoint";
import { context as otel, type Context as OtelContext } from "@opentelemetry/api";

// The OpenTelemetry context travels in Kit's explicit Context under this key, so a span
// started by a transport hook is the parent of the endpoint's span, and that one of the
// spans started by the client hooks the endpoint calls, without async-local state.
const otelContextKey = contextKey<OtelContext>("@kit/tracing.otel-context");

/**
 * The OpenTelemetry context a Kit `Context` carries: the one a
 * `@kit/tracing` hook or {@link traceEndpoint} put there, or else OpenTelemetry's active
 * context (`context.active()`). Its span is the parent of the spans `@kit/tracing` starts, and
 * the one to give your own spans as parent.
 *
 * @param ctx - Kit's context
 *
 * @example
 * ```ts
 * const span = tracer.startSpan("load order", {}, otelContext(ctx)); // a child of the endpoint's span
 * const current = trace.getSpan(otelContext(ctx));
 * ```
 */
export function otelContext(ctx: Context): OtelContext {
  return ctx.value(otelContextKey) ?? otel.active();
}

/**
 * A child of `ctx` that carries `otelCtx` as its OpenTelemetry context (see
 * {@link otelContext}), for code that starts its own spans and wants `@kit/tracing`'s spans
 * below them.
 *
 * @param ctx - Kit's context
 * @param otelCtx - the OpenTelemetry context, such as `trace.setSpan(otelContext(ctx), span)`
 *
 * @example
 * ```ts
 * const span = tracer.startSpan("batch", {}, otelContext(ctx));
 * await client(withOtelContext(ctx, trace.setSpan(otelContext(ctx), span)), request);
 * span.end();
 * ```
 */
export function withOtelContext(ctx: Context, otelCtx: OtelContext): Context {
  return withValue(ctx, otelContextKey, otelCtx);
}
