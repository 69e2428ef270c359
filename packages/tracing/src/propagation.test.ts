import { background } from "@kit/endpoint";
import { propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import { recorder, traceparent } from "../test/otel.ts";
import { otelContext, withOtelContext } from "./context.ts";
import { readTraceContext, writeTraceContext } from "./propagation.ts";

describe("writeTraceContext and readTraceContext", () => {
  afterEach(() => {
    propagation.disable();
  });

  it("carry the context's span across headers with the global propagator", () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const span = recorder().tracer.startSpan("caller");
    const sent = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, span));
    const headers = new Map<string, string>();
    expect(writeTraceContext(sent, headers)).toBe(sent);
    expect(headers.get("traceparent")).toBe(traceparent(span.spanContext()));

    const received = trace.getSpanContext(otelContext(readTraceContext(background(), headers)));
    expect(received).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
  });

  it("carry nothing without a propagator, as OpenTelemetry's API does without an SDK", () => {
    const span = recorder().tracer.startSpan("caller");
    const headers = new Headers();
    writeTraceContext(withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, span)), headers);
    expect([...headers]).toEqual([]);
  });

  it("read no parent from a malformed traceparent", () => {
    const otel = recorder();
    const ctx = readTraceContext(background(), new Headers({ traceparent: "01-garbage" }), otel.propagator);
    expect(trace.getSpanContext(otelContext(ctx))).toBeUndefined();
  });
});
