import type { Context } from "@kit/endpoint";
import { propagation, type TextMapPropagator } from "@opentelemetry/api";
import type { HeaderGetter, HeaderSetter } from "./carriers.ts";
import { otelContext, withOtelContext } from "./context.ts";
import { headerGetter, headerSetter } from "./internal/carriers.ts";

/**
 * Reads the trace context (W3C `traceparent`/`tracestate` with the SDK's default propagator)
 * from incoming headers into Kit's context, Go kit's `HTTPToContext`: spans started under the
 * returned context (by {@link traceEndpoint}) continue the caller's trace. Headers without
 * trace context, or with a malformed one, leave the context as it was: the next span starts
 * a new trace. For transports that `@kit/tracing` has no hooks for.
 *
 * @param ctx - Kit's context
 * @param carrier - the incoming headers (a fetch `Headers`, a message's headers)
 * @param propagator - the propagator; defaults to the global one
 *
 * @example
 * ```ts
 * const before = (ctx: Context, event: { headers: Headers }) => readTraceContext(ctx, event.headers);
 * ```
 */
export function readTraceContext(ctx: Context, carrier: HeaderGetter, propagator: TextMapPropagator = propagation): Context {
  return withOtelContext(ctx, propagator.extract(otelContext(ctx), carrier, headerGetter));
}

/**
 * Writes the trace context of Kit's context (its current span, see {@link otelContext}) into
 * outgoing headers, Go kit's `ContextToHTTP`, and returns the context unchanged. For
 * transports that `@kit/tracing` has no hooks for.
 *
 * @param ctx - Kit's context
 * @param carrier - the outgoing headers (a fetch `Headers`, a `Map`)
 * @param propagator - the propagator; defaults to the global one
 *
 * @example
 * ```ts
 * const headers = new Headers();
 * writeTraceContext(ctx, headers); // traceparent: 00-<trace id>-<span id>-01
 * ```
 */
export function writeTraceContext(ctx: Context, carrier: HeaderSetter, propagator: TextMapPropagator = propagation): Context {
  propagator.inject(otelContext(ctx), carrier, headerSetter);
  return ctx;
}
