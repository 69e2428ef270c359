// Traces in a real Zipkin server (Zipkin's own jar from Maven Central, the test's own on a free
// port): a call to addsvc's Sum enters over HTTP, goes on over NATS (127.0.0.1:4222) to a
// subscriber that runs the service, and every hop is traced with @kit/tracing on the
// OpenTelemetry SDK, exported with OpenTelemetry's Zipkin exporter as an application would.
// The test finds the trace through Zipkin's API and checks what a person looking at it sees:
// one trace, each span the child of the hop before it, the service names, the span kinds and,
// for a call that fails, the error tags.
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { background, withTimeout, type Endpoint } from "@kit/endpoint";
import type { OwnBroker } from "@kit/test-support";
import { httpClientTrace, httpServerTrace, publisherTrace, subscriberTrace, traceEndpoint } from "@kit/tracing";
import { decodeJSONMessage, encodeJSONMessage, type Subscriber } from "@kit/transport";
import { client, decodeJSON, decodeJSONResponse, encodeJSON, encodeJSONRequest, server } from "@kit/transport-http";
import { publisher, subscriber } from "@kit/transport-nats";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { context, propagation, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newBasicService } from "../src/service.ts";
import { startOwnZipkin } from "./own-zipkin.ts";

interface SumRequest {
  readonly a: number;
  readonly b: number;
}
interface SumResponse {
  readonly v: number;
}

/** A span as Zipkin's v2 API returns it. */
interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  readonly name: string;
  readonly kind?: "CLIENT" | "SERVER" | "PRODUCER" | "CONSUMER";
  readonly localEndpoint: { readonly serviceName: string };
  readonly tags?: Record<string, string>;
}

const subject = `addsvc.zipkin.${process.pid}.sum`;
let zipkin: OwnBroker;
let nc: NatsConnection;
let providers: BasicTracerProvider[] = [];
let stop: () => Promise<void> = () => Promise.resolve();
let url = "";

/** A tracer whose spans reach Zipkin under `serviceName`, as each process of a real system would have. */
function tracerFor(serviceName: string): Tracer {
  const exporter = new ZipkinExporter({ url: `${zipkin.url}/api/v2/spans` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  providers.push(provider);
  return provider.getTracer("addsvc");
}

beforeAll(async () => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  zipkin = await startOwnZipkin();
  nc = await connect({ servers: process.env.NATS_URL ?? "127.0.0.1:4222" });

  // The back: the Sum service behind a NATS subscriber, in its own "process".
  const back = tracerFor("addsvc-worker");
  const svc = newBasicService();
  const sum: Endpoint<SumRequest, SumResponse> = async (ctx, { a, b }) => ({ v: await svc.sum(ctx, a, b) });
  const sub: Subscriber = subscriber(nc, subject, traceEndpoint<SumRequest, SumResponse>("Sum", { tracer: back })(sum), decodeJSONMessage<SumRequest>(), encodeJSONMessage, {
    queue: "addsvc",
    ...subscriberTrace({ tracer: back, destination: subject, system: "nats" }),
  });

  // The front: addsvc over HTTP, whose Sum calls the back over NATS.
  const front = tracerFor("addsvc");
  const overNats = publisher(nc, subject, encodeJSONMessage, decodeJSONMessage<SumResponse>(), publisherTrace({ tracer: front, destination: subject, system: "nats" }));
  const handler = server(traceEndpoint<SumRequest, SumResponse>("Sum", { tracer: front })(overNats), decodeJSON<SumRequest>(), encodeJSON, httpServerTrace({ tracer: front, route: "/sum" }));
  const httpServer = http.createServer(handler).listen(0, "127.0.0.1");
  await once(httpServer, "listening");
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/sum`;
  stop = async () => {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
    await sub.close();
  };
}, 120_000);

afterAll(async () => {
  await stop();
  await nc.close();
  await Promise.all(providers.map((provider) => provider.shutdown()));
  providers = [];
  await zipkin.destroy();
  context.disable();
  propagation.disable();
});

/** Calls Sum over HTTP from a client "process" and returns the trace id and what the call gave. */
async function callSum(a: number, b: number): Promise<{ traceId: string; result: PromiseSettledResult<SumResponse> }> {
  const caller = tracerFor("addsvc-client");
  const sum = client("POST", url, encodeJSONRequest, decodeJSONResponse<SumResponse>(), httpClientTrace({ tracer: caller }));
  const [ctx, cancel] = withTimeout(background(), 10_000);
  return caller.startActiveSpan("caller", async (span) => {
    try {
      const [result] = await Promise.allSettled([sum(ctx, { a, b })]);
      return { traceId: span.spanContext().traceId, result };
    } finally {
      span.end();
      cancel();
    }
  });
}

/** The trace's spans as Zipkin has them, once it has `count` of them (within 15 s). */
async function zipkinTrace(traceId: string, count: number): Promise<ZipkinSpan[]> {
  const until = Date.now() + 15_000;
  let spans: ZipkinSpan[] = [];
  while (Date.now() < until) {
    const response = await fetch(`${zipkin.url}/api/v2/trace/${traceId}`);
    spans = response.ok ? ((await response.json()) as ZipkinSpan[]) : [];
    if (spans.length >= count) return spans;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Zipkin has ${spans.length} of ${count} spans of trace ${traceId}: ${JSON.stringify(spans)}`);
}

/** The spans from the root down, each the only child of the one before it, as "service kind name". */
function path(spans: readonly ZipkinSpan[]): string[] {
  const roots = spans.filter((span) => span.parentId === undefined);
  expect(roots).toHaveLength(1);
  const out: string[] = [];
  for (let span = roots[0]; span !== undefined; ) {
    out.push(`${span.localEndpoint.serviceName} ${span.kind ?? "INTERNAL"} ${span.name}`);
    const children = spans.filter((child) => child.parentId === span?.id);
    expect(children.length).toBeLessThanOrEqual(1);
    span = children[0];
  }
  return out;
}

describe("a call across HTTP and NATS, traced into a real Zipkin", () => {
  it("is one trace in Zipkin, each hop the child of the one before, under each process's service name", async () => {
    const { traceId, result } = await callSum(2, 3);
    expect(result).toEqual({ status: "fulfilled", value: { v: 5 } });

    const spans = await zipkinTrace(traceId, 7);
    expect(spans).toHaveLength(7);
    expect(path(spans)).toEqual([
      "addsvc-client INTERNAL caller",
      "addsvc-client CLIENT post",
      "addsvc SERVER post /sum",
      "addsvc INTERNAL sum",
      `addsvc PRODUCER send ${subject}`,
      `addsvc-worker CONSUMER process ${subject}`,
      "addsvc-worker INTERNAL sum",
    ]);
    expect(spans.filter((span) => span.tags?.error !== undefined)).toEqual([]);

    const services = (await (await fetch(`${zipkin.url}/api/v2/services`)).json()) as string[];
    expect(services).toEqual(expect.arrayContaining(["addsvc", "addsvc-worker", "addsvc-client"]));
  });

  it("tags the spans of a failed call with the error, on every hop the error crossed", async () => {
    const { traceId, result } = await callSum(0, 0);
    expect(result.status).toBe("rejected");

    const spans = await zipkinTrace(traceId, 7);
    const failed = spans.filter((span) => span.tags?.error !== undefined).map((span) => `${span.localEndpoint.serviceName} ${span.kind ?? "INTERNAL"}`);
    // The HTTP server answered 400, the caller's mistake: its span is not an error (OpenTelemetry's HTTP conventions).
    expect(failed.sort()).toEqual(["addsvc INTERNAL", "addsvc PRODUCER", "addsvc-client CLIENT", "addsvc-worker CONSUMER", "addsvc-worker INTERNAL"].sort());
    const worker = spans.find((span) => span.localEndpoint.serviceName === "addsvc-worker" && span.kind === undefined);
    expect(worker?.tags).toMatchObject({ error: "can't sum two zeroes", "kit.error.code": "invalid_argument" });
  });
});
