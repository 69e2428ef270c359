import { background, Code, KitError, type Endpoint } from "@kit/endpoint";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { context, createContextKey, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context as OtelContext } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { kindOf, parentId, recorder } from "../test/otel.ts";
import { otelContext, withOtelContext } from "./context.ts";
import { traceEndpoint } from "./trace-endpoint.ts";

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

describe("traceEndpoint", () => {
  it("wraps each call in a span named for the endpoint, the parent of the spans the endpoint starts", async () => {
    const otel = recorder();
    const sum: Endpoint<{ a: number; b: number }, number> = async (ctx, { a, b }) => {
      otel.tracer.startSpan("via kit ctx", {}, otelContext(ctx)).end();
      await new Promise((resolve) => setTimeout(resolve, 1));
      otel.tracer.startSpan("via active context").end(); // what an instrumented library does
      return a + b;
    };
    const traced = traceEndpoint<{ a: number; b: number }, number>("Sum", { tracer: otel.tracer, attributes: { "app.part": "add" } })(sum);

    expect(await traced(background(), { a: 1, b: 2 })).toBe(3);

    const span = otel.span("Sum");
    expect(kindOf(span)).toBe("INTERNAL");
    expect(span.attributes).toEqual({ "app.part": "add" });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(parentId(span)).toBeUndefined();
    for (const child of [otel.span("via kit ctx"), otel.span("via active context")]) {
      expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
      expect(parentId(child)).toBe(span.spanContext().spanId);
    }
  });

  it("starts under the span Kit's context carries", async () => {
    const otel = recorder();
    const outer = otel.tracer.startSpan("outer");
    const ctx = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, outer));
    await traceEndpoint<null, null>("inner", { tracer: otel.tracer, kind: SpanKind.SERVER })(() => Promise.resolve(null))(ctx, null);
    outer.end();
    const inner = otel.span("inner");
    expect(kindOf(inner)).toBe("SERVER");
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(parentId(inner)).toBe(outer.spanContext().spanId);
  });

  it("gives the endpoint an OpenTelemetry context that keeps the caller's values and sets and deletes its own", async () => {
    const otel = recorder();
    const tenant = createContextKey("tenant");
    const other = createContextKey("other");
    const caller = withOtelContext(background(), ROOT_CONTEXT.setValue(tenant, "acme"));
    let seen: OtelContext | undefined;
    await traceEndpoint<null, null>("read", { tracer: otel.tracer })((ctx) => {
      seen = otelContext(ctx);
      return Promise.resolve(null);
    })(caller, null);

    expect(seen?.getValue(tenant)).toBe("acme");
    expect(trace.getSpan(seen ?? ROOT_CONTEXT)).toBe(otel.span("read"));
    const changed = seen?.setValue(other, 1).deleteValue(tenant);
    expect(changed?.getValue(other)).toBe(1);
    expect(changed?.getValue(tenant)).toBeUndefined();
    expect(seen?.getValue(tenant)).toBe("acme"); // unchanged: contexts are immutable
    expect(seen?.getValue(other)).toBeUndefined();
  });

  it("records a KitError's code, the exception and an ERROR status, and throws the same error", async () => {
    const otel = recorder();
    const error = new KitError(Code.InvalidArgument, "can't sum two zeroes");
    const traced = traceEndpoint<null, null>("Sum", { tracer: otel.tracer })(() => Promise.reject(error));
    await expect(traced(background(), null)).rejects.toBe(error);
    const span = otel.span("Sum");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "can't sum two zeroes" });
    expect(span.attributes["kit.error.code"]).toBe("invalid_argument");
    expect(span.events.map((e) => [e.name, e.attributes?.["exception.message"]])).toEqual([["exception", "can't sum two zeroes"]]);
  });

  it("counts a thrown value that is not a KitError as unknown, and throws it on unchanged", async () => {
    const otel = recorder();
    const bug = new TypeError("x is undefined");
    const traced = traceEndpoint<null, null>("Sum", { tracer: otel.tracer })(() => Promise.reject(bug));
    await expect(traced(background(), null)).rejects.toBe(bug);
    const span = otel.span("Sum");
    expect(span.attributes["kit.error.code"]).toBe("unknown");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "x is undefined" });
  });

  it("marks a business error that `failed` finds in a successful response", async () => {
    const otel = recorder();
    interface Res {
      v: number;
      err?: KitError;
    }
    const traced = traceEndpoint<number, Res>("Sum", { tracer: otel.tracer, failed: (res) => res.err })((_ctx, n) =>
      Promise.resolve(n === 0 ? { v: 0, err: new KitError(Code.OutOfRange, "integer overflow") } : { v: n }),
    );
    await traced(background(), 1);
    await traced(background(), 0);
    const [ok, failed] = otel.spans();
    expect(ok?.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR, message: "integer overflow" });
    expect(failed?.attributes["kit.error.code"]).toBe("out_of_range");
  });

  it("ends the span failed when the endpoint throws synchronously, and rejects with what it threw", async () => {
    const otel = recorder();
    const bug = new TypeError("no request");
    const traced = traceEndpoint<null, null>("Sum", { tracer: otel.tracer })((): Promise<null> => {
      throw bug;
    });
    const call = traced(background(), null);
    await expect(call).rejects.toBe(bug);
    const span = otel.span("Sum");
    expect(span.attributes["kit.error.code"]).toBe("unknown");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "no request" });
  });

  it("ends the span failed when `failed` throws, and rejects with what it threw", async () => {
    const otel = recorder();
    const bug = new RangeError("bad response");
    const traced = traceEndpoint<null, null>("Sum", {
      tracer: otel.tracer,
      failed: () => {
        throw bug;
      },
    })(() => Promise.resolve(null));
    await expect(traced(background(), null)).rejects.toBe(bug);
    const span = otel.span("Sum");
    expect(span.attributes["kit.error.code"]).toBe("unknown");
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "bad response" });
  });

  describe("with a global tracer provider", () => {
    afterEach(() => {
      trace.disable();
    });

    it("uses the global provider's tracer when none is given, even one registered after the middleware was made", async () => {
      const traced = traceEndpoint<null, null>("Late")(() => Promise.resolve(null));
      const otel = recorder();
      trace.setGlobalTracerProvider(otel.provider);
      await traced(background(), null);
      expect(otel.span("Late").instrumentationScope.name).toBe("@kit/tracing");
    });
  });
});
