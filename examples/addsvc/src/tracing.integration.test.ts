// End to end through real transports: a call enters addsvc over HTTP (127.0.0.1, an
// ephemeral port), whose Sum goes on over a second transport, an in-memory broker, to another
// addsvc; every hop is traced with @kit/tracing on the OpenTelemetry SDK set up globally as an
// application would (W3C propagator, AsyncLocalStorage context), and the spans are read from
// the SDK's in-memory exporter: one trace, each span the child of the hop before it.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, Code, withTimeout } from "@kit/endpoint";
import { memory } from "@kit/metrics";
import { until } from "@kit/test-support";
import { httpClientTrace, httpServerTrace, publisherTrace, subscriberTrace, traceEndpoint } from "@kit/tracing";
import { jsonCodec, validate } from "@kit/transport";
import { encodeJSON, readBody, server, type DecodeRequest, type EncodeResponse } from "@kit/transport-http";
import { MemoryBroker } from "@kit/transport-memory";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpClient } from "./demo-clients.ts";
import { addClient, makeEndpoints, type AddEndpoints, type ConcatRequest, type SumRequest } from "./generated/add.endpoints.ts";
import { memorySubscribers, memoryTransport } from "./generated/add.memory.ts";
import { withMiddleware } from "./generated/add.middleware.ts";
import { newBasicService, type AddService } from "./service.ts";
import { sumRequest } from "./generated/add.validators.ts";

const exporter = new InMemorySpanExporter();
const logger = { log: (): void => undefined };

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

const decodeSum: DecodeRequest<SumRequest> = async (_ctx, req) => validate(sumRequest, jsonCodec.decode(await readBody(req)));
const encodeSum: EncodeResponse<number> = (ctx, response, res) => {
  encodeJSON(ctx, { v: response }, res); // a business error is thrown, the error encoder's to answer
};

/** The queues addsvc is served on over the memory broker. */
const memoryQueues = { sum: "addsvc.sum", concat: "addsvc.concat" };

/** The endpoints with a span around each call, named `Sum` and `Concat` as Go kit's addsvc names them. */
function traceEndpoints(endpoints: AddEndpoints): AddEndpoints {
  return { sum: traceEndpoint<SumRequest, number>("Sum")(endpoints.sum), concat: traceEndpoint<ConcatRequest, string>("Concat")(endpoints.concat) };
}

/** Serves the endpoints on the broker, each delivery in a CONSUMER span that continues the sender's trace. */
function serveMemory(broker: MemoryBroker, endpoints: AddEndpoints) {
  return memorySubscribers(broker, endpoints, { names: memoryQueues, subscriber: (_method, queue) => ({ ...subscriberTrace({ destination: queue, system: "kit_memory" }), errorHandler: { handle: () => undefined } }) });
}

/** addsvc over the broker, each call in a PRODUCER span whose trace context goes in the message headers. */
function memoryClient(broker: MemoryBroker): AddService {
  return addClient(memoryTransport(broker, { names: memoryQueues, publisher: (_method, queue) => publisherTrace({ destination: queue, system: "kit_memory" }) }));
}

describe("a call traced across HTTP and a message broker", () => {
  let url = "";
  let stop: () => Promise<void> = () => Promise.resolve();

  beforeEach(async () => {
    exporter.reset();
    const broker = new MemoryBroker();
    // The back addsvc, served on the broker.
    const back = serveMemory(broker, traceEndpoints(withMiddleware(makeEndpoints(newBasicService()), { logger, metrics: memory() })));
    // The front addsvc, served over HTTP; its service is the back one, called over the broker.
    const front = traceEndpoints(withMiddleware(makeEndpoints(memoryClient(broker)), { logger, metrics: memory() }));
    const httpServer = http.createServer(server(front.sum, decodeSum, encodeSum, httpServerTrace({ route: "/sum" })));
    httpServer.listen(0, "127.0.0.1");
    await once(httpServer, "listening");
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    stop = async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
      await back.close();
    };
  });
  afterEach(async () => {
    await stop();
  });

  /** Calls sum over HTTP inside the span `caller`, the active span as in an instrumented app. */
  async function callSum(a: number, b: number): Promise<{ result: PromiseSettledResult<number>; caller: ReadableSpan }> {
    const svc = httpClient(url, httpClientTrace());
    const tracer = trace.getTracer("test");
    const [ctx, cancel] = withTimeout(background(), 10_000);
    const result = await tracer.startActiveSpan("caller", async (span) => {
      try {
        return (await Promise.allSettled([svc.sum(ctx, a, b)]))[0];
      } finally {
        span.end();
        cancel();
      }
    });
    await until(() => `7 finished spans (finished: ${exporter.getFinishedSpans().map(describeSpan).join(", ")})`, () => exporter.getFinishedSpans().length >= 7); // the servers' spans end after they answered
    const caller = exporter.getFinishedSpans().find((s) => s.name === "caller")!;
    return { result, caller };
  }

  it("makes one trace whose spans each have the hop before them as parent", async () => {
    const { result, caller } = await callSum(2, 3);
    expect(result).toEqual({ status: "fulfilled", value: 5 });

    const spans = exporter.getFinishedSpans();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([caller.spanContext().traceId]));
    expect(chain(spans, caller).map(describeSpan)).toEqual([
      "caller INTERNAL",
      "POST CLIENT", // httpClientTrace
      "POST /sum SERVER", // httpServerTrace
      "Sum INTERNAL", // traceEndpoint on the front addsvc
      "send addsvc.sum PRODUCER", // publisherTrace
      "process addsvc.sum CONSUMER", // subscriberTrace
      "Sum INTERNAL", // traceEndpoint on the back addsvc
    ]);
    expect(spans).toHaveLength(7);
    expect(spans.every((s) => s.status.code === SpanStatusCode.UNSET)).toBe(true);
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(serverSpan.parentSpanContext?.isRemote).toBe(true); // it came over the wire
    expect(serverSpan.attributes["http.response.status_code"]).toBe(200);
  });

  it("records a business error's code on every hop it crosses", async () => {
    const { result, caller } = await callSum(0, 0);
    expect(result.status).toBe("rejected");
    expect(result.status === "rejected" && (result.reason as { code: unknown }).code).toBe(Code.InvalidArgument);

    const hops = chain(exporter.getFinishedSpans(), caller);
    expect(hops.map((s) => [describeSpan(s), s.attributes["kit.error.code"], s.status.code])).toEqual([
      ["caller INTERNAL", undefined, SpanStatusCode.UNSET],
      ["POST CLIENT", "invalid_argument", SpanStatusCode.ERROR],
      ["POST /sum SERVER", "invalid_argument", SpanStatusCode.UNSET], // a 400 is the caller's mistake
      ["Sum INTERNAL", "invalid_argument", SpanStatusCode.ERROR],
      ["send addsvc.sum PRODUCER", "invalid_argument", SpanStatusCode.ERROR],
      ["process addsvc.sum CONSUMER", "invalid_argument", SpanStatusCode.ERROR],
      ["Sum INTERNAL", "invalid_argument", SpanStatusCode.ERROR],
    ]);
    expect(hops.at(-1)?.status.message).toBe("can't sum two zeroes");
  });
});

/** The spans from `root` down, each the only child of the one before it. */
function chain(spans: readonly ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const path = [root];
  while (path.length <= spans.length) {
    const last = path[path.length - 1]!;
    const children = spans.filter((s) => s.parentSpanContext?.spanId === last.spanContext().spanId);
    if (children.length === 0) break;
    expect(children.map(describeSpan), `children of ${describeSpan(last)}`).toHaveLength(1);
    path.push(children[0]!);
  }
  return path;
}

function describeSpan(span: ReadableSpan): string {
  return `${span.name} ${SpanKind[span.kind]}`;
}
