// addsvc's tracing, Go kit's addsvc opentracing/zipkin wiring on OpenTelemetry through
// @kit/tracing: a span per endpoint call, and addsvc over an in-memory broker with the trace
// context carried in the message headers, so a call that goes on from one addsvc to another
// stays one trace. The end-to-end test (tracing.integration.test.ts) puts HTTP in front.
import type { Context, KitError } from "@kit/endpoint";
import type { Tracer } from "@opentelemetry/api";
import { decodeJSONMessage, encodeJSONMessage, type OutgoingMessage, type Subscriber } from "@kit/transport";
import { publisher, subscriber, type MemoryBroker } from "@kit/transport-memory";
import { publisherTrace, subscriberTrace, traceEndpoint, type TraceOptions } from "@kit/tracing";
import { clientFromEndpoints, failed, type AddClient, type ConcatRequest, type ConcatResponse, type EndpointSet, type SumRequest, type SumResponse } from "./endpoints.ts";
import { responseToJSON } from "./wire.ts";

/** The queues addsvc is served on over a {@link MemoryBroker}. */
export const memoryQueues = { sum: "addsvc.sum", concat: "addsvc.concat" } as const;

/**
 * The endpoint set with a span around each call, named `Sum` and `Concat` as Go kit's addsvc
 * names them; a business error in the response (see {@link failed}) marks the span failed.
 *
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param tracer - the tracer; defaults to the global provider's
 *
 * @example
 * ```ts
 * const endpoints = traceEndpoints(newEndpointSet(newBasicService(), { logger, metrics }));
 * ```
 */
export function traceEndpoints(endpoints: EndpointSet, tracer?: Tracer): EndpointSet {
  const options = tracer === undefined ? {} : { tracer };
  return {
    sumEndpoint: traceEndpoint<SumRequest, SumResponse>("Sum", { ...options, failed })(endpoints.sumEndpoint),
    concatEndpoint: traceEndpoint<ConcatRequest, ConcatResponse>("Concat", { ...options, failed })(endpoints.concatEndpoint),
  };
}

/**
 * Serves the endpoint set on a {@link MemoryBroker} (queues {@link memoryQueues}), each
 * delivery in a CONSUMER span that continues the sender's trace. A business error is answered
 * as an error reply (`kit-error-code`), which the {@link memoryClient} throws again.
 *
 * @param broker - the broker
 * @param endpoints - the endpoint set, typically traced with {@link traceEndpoints}
 * @param tracing - tracer and propagator for the hooks; the global ones by default
 * @returns the two subscribers, closed together
 */
export function serveMemory(broker: MemoryBroker, endpoints: EndpointSet, tracing: TraceOptions = {}): Subscriber {
  const subs = [
    subscriber(broker, memoryQueues.sum, endpoints.sumEndpoint, decodeJSONMessage<SumRequest>(), encodeResponse, {
      ...subscriberTrace({ ...tracing, destination: memoryQueues.sum, system: "kit_memory" }),
    }),
    subscriber(broker, memoryQueues.concat, endpoints.concatEndpoint, decodeJSONMessage<ConcatRequest>(), encodeResponse, {
      ...subscriberTrace({ ...tracing, destination: memoryQueues.concat, system: "kit_memory" }),
    }),
  ];
  const close = async (): Promise<void> => {
    await Promise.all(subs.map((sub) => sub.close()));
  };
  const ready = Promise.all(subs.map((sub) => sub.ready)).then(() => undefined);
  ready.catch(() => undefined); // each subscriber reports its own failure
  return { ready, close, [Symbol.asyncDispose]: close };
}

/**
 * An {@link AddClient} that calls addsvc over a {@link MemoryBroker} by request and reply,
 * each call in a PRODUCER span whose trace context goes in the message headers.
 *
 * @param broker - the broker {@link serveMemory} serves on
 * @param tracing - tracer and propagator for the hooks; the global ones by default
 */
export function memoryClient(broker: MemoryBroker, tracing: TraceOptions = {}): AddClient {
  return clientFromEndpoints(
    publisher(
      broker,
      memoryQueues.sum,
      encodeJSONMessage,
      decodeJSONMessage<SumResponse>(),
      publisherTrace({ ...tracing, destination: memoryQueues.sum, system: "kit_memory" }),
    ),
    publisher(
      broker,
      memoryQueues.concat,
      encodeJSONMessage,
      decodeJSONMessage<ConcatResponse>(),
      publisherTrace({ ...tracing, destination: memoryQueues.concat, system: "kit_memory" }),
    ),
  );
}

/** A response as `{"v": …}`, or its business error thrown, for the subscriber to answer as an error reply. */
function encodeResponse(ctx: Context, response: { readonly v: unknown; readonly err?: KitError }, message: OutgoingMessage): void {
  encodeJSONMessage(ctx, responseToJSON(response), message);
}
