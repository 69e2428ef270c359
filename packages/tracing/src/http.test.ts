import { background, Code, KitError, type Context } from "@kit/endpoint";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { kindOf, parentId, recorder, traceparent, type Recorder } from "../test/otel.ts";
import { withOtelContext } from "./context.ts";
import { httpClientTrace, httpServerTrace } from "./http.ts";
import { traceEndpoint } from "./trace-endpoint.ts";

/** Runs a request through the server hooks as `@kit/transport-http`'s server does. */
async function serve(
  otel: Recorder,
  req: { method: string; url: string; headers: Record<string, string | string[]> },
  answer: { status: number; error?: KitError },
): Promise<void> {
  const tracing = httpServerTrace({ tracer: otel.tracer, propagator: otel.propagator, route: "/sum" });
  let ctx = background();
  for (const hook of tracing.before) ctx = hook(ctx, req);
  const endpoint = traceEndpoint<null, null>("Sum", { tracer: otel.tracer })(() =>
    answer.error === undefined ? Promise.resolve(null) : Promise.reject(answer.error),
  );
  await endpoint(ctx, null).catch(() => undefined);
  for (const hook of tracing.finalizer) hook(ctx, { status: answer.status, error: answer.error });
}

describe("httpClientTrace and httpServerTrace", () => {
  it("make one trace of a call: caller → CLIENT span → (traceparent) → SERVER span → endpoint span", async () => {
    const otel = recorder();
    const client = httpClientTrace({ tracer: otel.tracer, propagator: otel.propagator });
    const caller = otel.tracer.startSpan("caller");
    let ctx: Context = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, caller));
    const outgoing = { method: "POST", url: new URL("http://user:pw@127.0.0.1:8081/sum?key=secret"), headers: new Headers() };
    for (const hook of client.before) ctx = hook(ctx, outgoing);

    await serve(otel, { method: "POST", url: "/sum?x=1", headers: Object.fromEntries(outgoing.headers) }, { status: 200 });
    for (const hook of client.finalizer) hook(ctx, { status: 200, error: undefined });
    caller.end();

    const [clientSpan, serverSpan, endpointSpan] = [otel.span("POST"), otel.span("POST /sum"), otel.span("Sum")];
    expect(outgoing.headers.get("traceparent")).toBe(traceparent(clientSpan.spanContext()));
    expect(new Set(otel.spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentId(clientSpan)).toBe(caller.spanContext().spanId);
    expect(parentId(serverSpan)).toBe(clientSpan.spanContext().spanId);
    expect(parentId(endpointSpan)).toBe(serverSpan.spanContext().spanId);
    expect([kindOf(clientSpan), kindOf(serverSpan), kindOf(endpointSpan)]).toEqual(["CLIENT", "SERVER", "INTERNAL"]);
    expect(clientSpan.attributes).toEqual({
      "http.request.method": "POST",
      "url.full": "http://127.0.0.1:8081/sum",
      "server.address": "127.0.0.1",
      "server.port": 8081,
      "http.response.status_code": 200,
    });
    expect(serverSpan.attributes).toEqual({
      "http.request.method": "POST",
      "url.path": "/sum",
      "http.route": "/sum",
      "http.response.status_code": 200,
    });
    expect([clientSpan.status.code, serverSpan.status.code]).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
  });

  it("keep tracestate across the wire", async () => {
    const otel = recorder();
    const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await serve(otel, { method: "GET", url: "/sum", headers: { traceparent: parent, tracestate: "vendor=abc" } }, { status: 200 });
    const server = otel.span("GET /sum");
    expect(server.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentId(server)).toBe("b7ad6b7169203331");
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(server.spanContext().traceState?.get("vendor")).toBe("abc");
  });

  it("start a fresh trace, without error, for a malformed traceparent", async () => {
    const otel = recorder();
    await serve(otel, { method: "POST", url: "/sum", headers: { traceparent: "00-not-a-trace-01" } }, { status: 200 });
    const server = otel.span("POST /sum");
    expect(parentId(server)).toBeUndefined();
    expect(server.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parentId(otel.span("Sum"))).toBe(server.spanContext().spanId);
  });

  it("mark a server span failed for a 5xx, not for a 4xx, and record the error's code on both", async () => {
    const otel = recorder();
    await serve(otel, { method: "POST", url: "/sum", headers: {} }, { status: 400, error: new KitError(Code.InvalidArgument, "bad a") });
    await serve(otel, { method: "POST", url: "/sum", headers: {} }, { status: 503, error: new KitError(Code.Unavailable, "db down") });
    const [bad, down] = otel.spans().filter((s) => s.name === "POST /sum");
    expect(bad?.status.code).toBe(SpanStatusCode.UNSET);
    expect(bad?.attributes["kit.error.code"]).toBe("invalid_argument");
    expect(bad?.attributes["http.response.status_code"]).toBe(400);
    expect(down?.status).toEqual({ code: SpanStatusCode.ERROR, message: "db down" });
    expect(down?.attributes["kit.error.code"]).toBe("unavailable");
  });

  it("mark a client span failed for a status of 400 or more, or no response", () => {
    const otel = recorder();
    const client = httpClientTrace({ tracer: otel.tracer, propagator: otel.propagator });
    const call = (outcome: { status: number | undefined; error: KitError | undefined }): void => {
      let ctx = background();
      for (const hook of client.before) ctx = hook(ctx, { method: "GET", url: new URL("https://example.test/x"), headers: new Headers() });
      for (const hook of client.finalizer) hook(ctx, outcome);
    };
    call({ status: 404, error: new KitError(Code.NotFound, "no such order") });
    call({ status: undefined, error: new KitError(Code.Unavailable, "connect ECONNREFUSED") });
    const [notFound, unreachable] = otel.spans();
    expect(notFound?.status).toEqual({ code: SpanStatusCode.ERROR, message: "no such order" });
    expect(notFound?.attributes["server.port"]).toBe(443);
    expect(notFound?.attributes["http.response.status_code"]).toBe(404);
    expect(unreachable?.status).toEqual({ code: SpanStatusCode.ERROR, message: "connect ECONNREFUSED" });
    expect(unreachable?.attributes["kit.error.code"]).toBe("unavailable");
    expect(unreachable?.attributes).not.toHaveProperty("http.response.status_code");
  });

  it("leave the caller's span alone when a call failed before its before hook ran", () => {
    const otel = recorder();
    const client = httpClientTrace({ tracer: otel.tracer, propagator: otel.propagator });
    const caller = otel.tracer.startSpan("caller");
    const ctx = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, caller));
    for (const hook of client.finalizer) hook(ctx, { status: undefined, error: new KitError(Code.Internal, "encode failed") });
    expect(caller.isRecording()).toBe(true);
    expect(otel.spans()).toEqual([]);
  });
});
