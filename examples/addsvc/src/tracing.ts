// addsvc's tracing, Go kit's addsvc opentracing/zipkin wiring on OpenTelemetry through
// @kit/tracing: a span per endpoint call, and addsvc over an in-memory broker with the trace
// context carried in the message headers, so a call that goes on from one addsvc to another
// stays one trace. The end-to-end test (tracing.integration.test.ts) puts HTTP in front. The
// in-memory transport is the one kitgen writes (src/generated/add.memory.ts), with the trace hooks.
import type { Tracer } from "@opentelemetry/api";
import type { PublisherOptions, Subscriber, SubscriberOptions } from "@kit/transport";
import type { MemoryBroker } from "@kit/transport-memory";
import { publisherTrace, subscriberTrace, traceEndpoint, type TraceOptions } from "@kit/tracing";
import { failed, generatedEndpoints, type AddClient, type ConcatRequest, type ConcatResponse, type EndpointSet, type SumRequest, type SumResponse } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { memorySubscribers, memoryTransport } from "./generated/add.memory.ts";

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
  const subscriber = (_method: string, queue: string): SubscriberOptions => subscriberTrace({ ...tracing, destination: queue, system: "kit_memory" });
  return memorySubscribers(broker, generatedEndpoints(endpoints), { names: memoryQueues, subscriber });
}

/**
 * An {@link AddClient} that calls addsvc over a {@link MemoryBroker} by request and reply,
 * each call in a PRODUCER span whose trace context goes in the message headers.
 *
 * @param broker - the broker {@link serveMemory} serves on
 * @param tracing - tracer and propagator for the hooks; the global ones by default
 */
export function memoryClient(broker: MemoryBroker, tracing: TraceOptions = {}): AddClient {
  const publisher = (_method: string, queue: string): PublisherOptions => publisherTrace({ ...tracing, destination: queue, system: "kit_memory" });
  return addClient(memoryTransport(broker, { names: memoryQueues, publisher }));
}
