import { background, Code, KitError, type Context } from "@kit/endpoint";
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { kindOf, parentId, recorder, traceparent } from "../test/otel.ts";
import { withOtelContext } from "./context.ts";
import { grpcClientTrace, grpcServerTrace } from "./grpc.ts";

/** grpc-js `Metadata` as far as the hooks use it: several values a key, strings or bytes. */
class FakeMetadata {
  readonly map = new Map<string, (string | Buffer)[]>();
  get(key: string): (string | Buffer)[] {
    return this.map.get(key) ?? [];
  }
  set(key: string, value: string | Buffer): void {
    this.map.set(key, [value]);
  }
  add(key: string, value: string | Buffer): void {
    this.map.set(key, [...this.get(key), value]);
  }
  getMap(): Record<string, string | Buffer> {
    return Object.fromEntries(Array.from(this.map, ([k, v]) => [k, v[0]!]));
  }
}

describe("grpcClientTrace and grpcServerTrace", () => {
  it("carry the trace in the call's metadata: caller → CLIENT → SERVER", () => {
    const otel = recorder();
    const options = { method: "/addsvc.Add/Sum", tracer: otel.tracer, propagator: otel.propagator };
    const [client, server] = [grpcClientTrace(options), grpcServerTrace(options)];
    const caller = otel.tracer.startSpan("caller");
    let clientCtx: Context = withOtelContext(background(), trace.setSpan(ROOT_CONTEXT, caller));
    const metadata = new FakeMetadata();
    for (const hook of client.before) clientCtx = hook(clientCtx, metadata);

    let serverCtx = background();
    for (const hook of server.before) serverCtx = hook(serverCtx, { metadata }); // a grpc-js server call
    for (const hook of server.finalizer) hook(serverCtx, { error: undefined });
    for (const hook of client.finalizer) hook(clientCtx, undefined);

    const [serverSpan, clientSpan] = otel.spans();
    expect(metadata.get("traceparent")).toEqual([traceparent(clientSpan!.spanContext())]);
    expect(clientSpan?.name).toBe("addsvc.Add/Sum");
    expect([kindOf(clientSpan!), kindOf(serverSpan!)]).toEqual(["CLIENT", "SERVER"]);
    expect(parentId(clientSpan!)).toBe(caller.spanContext().spanId);
    expect(parentId(serverSpan!)).toBe(clientSpan?.spanContext().spanId);
    expect(serverSpan?.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(serverSpan?.attributes).toEqual({
      "rpc.system": "grpc",
      "rpc.service": "addsvc.Add",
      "rpc.method": "Sum",
      "rpc.grpc.status_code": 0,
    });
  });

  it("mark a server span failed for the server's faults only, a client span for any error", () => {
    const otel = recorder();
    const options = { method: "addsvc.Add/Sum", tracer: otel.tracer, propagator: otel.propagator };
    const run = (hooks: ReturnType<typeof grpcServerTrace>, error: KitError): void => {
      let ctx = background();
      for (const hook of hooks.before) ctx = hook(ctx, new FakeMetadata());
      for (const hook of hooks.finalizer) hook(ctx, error); // Go kit's finalizer shape: the error itself
    };
    run(grpcServerTrace(options), new KitError(Code.NotFound, "no such order"));
    run(grpcServerTrace(options), new KitError(Code.Internal, "bug"));
    run(grpcClientTrace(options), new KitError(Code.NotFound, "no such order"));
    const [notFound, bug, clientNotFound] = otel.spans();
    expect(notFound?.status.code).toBe(SpanStatusCode.UNSET);
    expect(notFound?.attributes).toMatchObject({ "rpc.grpc.status_code": 5, "kit.error.code": "not_found" });
    expect(bug?.status).toEqual({ code: SpanStatusCode.ERROR, message: "bug" });
    expect(bug?.attributes["rpc.grpc.status_code"]).toBe(13);
    expect(clientNotFound?.status).toEqual({ code: SpanStatusCode.ERROR, message: "no such order" });
  });

  it("start a fresh trace for a malformed traceparent", () => {
    const otel = recorder();
    const metadata = new FakeMetadata();
    metadata.add("traceparent", "00-zz-yy-01");
    const server = grpcServerTrace({ method: "/addsvc.Add/Sum", tracer: otel.tracer, propagator: otel.propagator });
    let ctx = background();
    for (const hook of server.before) ctx = hook(ctx, metadata);
    for (const hook of server.finalizer) hook(ctx, { error: undefined });
    expect(parentId(otel.span("addsvc.Add/Sum"))).toBeUndefined();
  });

  it("continue a well-formed traceparent, read past binary values", () => {
    const otel = recorder();
    const metadata = new FakeMetadata();
    metadata.add("traceparent", Buffer.from("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"));
    metadata.add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    const server = grpcServerTrace({ method: "/addsvc.Add/Sum", tracer: otel.tracer, propagator: otel.propagator });
    let ctx = background();
    for (const hook of server.before) ctx = hook(ctx, metadata);
    for (const hook of server.finalizer) hook(ctx, undefined);
    const span = otel.span("addsvc.Add/Sum");
    expect(span.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentId(span)).toBe("b7ad6b7169203331");
  });

  it("take the method's name and the status from the transport's outcome when not given", () => {
    const otel = recorder();
    const server = grpcServerTrace({ tracer: otel.tracer, propagator: otel.propagator });
    let ctx = background();
    for (const hook of server.before) ctx = hook(ctx, new FakeMetadata());
    for (const hook of server.finalizer) hook(ctx, { method: "/pb.Add/Sum", status: 14, error: new KitError(Code.Unavailable, "db down") });
    const span = otel.span("pb.Add/Sum");
    expect(span.attributes).toEqual({
      "rpc.system": "grpc",
      "rpc.service": "pb.Add",
      "rpc.method": "Sum",
      "rpc.grpc.status_code": 14,
      "kit.error.code": "unavailable",
    });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "db down" });
  });
});
