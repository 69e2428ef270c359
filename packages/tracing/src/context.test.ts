import { background } from "@kit/endpoint";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recorder } from "../test/otel.ts";
import { otelContext, withOtelContext } from "./context.ts";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe("otelContext", () => {
  it("is the active OpenTelemetry context when Kit's context carries none", () => {
    const span = recorder().tracer.startSpan("active");
    const active = trace.setSpan(ROOT_CONTEXT, span);
    context.with(active, () => {
      expect(trace.getSpan(otelContext(background()))).toBe(span);
    });
    expect(trace.getSpan(otelContext(background()))).toBeUndefined();
  });

  it("is the one withOtelContext put in Kit's context, over the active one", () => {
    const tracer = recorder().tracer;
    const carried = tracer.startSpan("carried");
    const ctx = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, carried));
    context.with(trace.setSpan(ROOT_CONTEXT, tracer.startSpan("active")), () => {
      expect(trace.getSpan(otelContext(ctx))).toBe(carried);
    });
  });
});
