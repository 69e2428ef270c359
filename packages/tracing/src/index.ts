/**
 * OpenTelemetry tracing for Kit, Go kit's `tracing` packages on `@opentelemetry/api`: endpoint
 * middleware that opens a span per call ({@link traceEndpoint}), and for each transport the
 * `before`/`finalizer` hooks that start its SERVER, CLIENT, CONSUMER and PRODUCER spans and
 * carry the W3C `traceparent`/`tracestate` across the wire ({@link httpServerTrace},
 * {@link httpClientTrace}, {@link grpcServerTrace}, {@link grpcClientTrace},
 * {@link subscriberTrace}, {@link publisherTrace}). The OpenTelemetry context travels in Kit's
 * explicit context ({@link otelContext}, {@link withOtelContext}).
 *
 * @packageDocumentation
 */
export type { HeaderGetter, HeaderSetter, MetadataCarrier, NodeHeaders } from "./carriers.ts";
export { otelContext, withOtelContext } from "./context.ts";
export { grpcClientTrace, grpcServerTrace, type GrpcOutcome, type GrpcTraceOptions, type MetadataSource } from "./grpc.ts";
export { httpClientTrace, httpServerTrace, type HttpServerTraceOptions } from "./http.ts";
export { publisherTrace, subscriberTrace, type MessageTraceOptions } from "./message.ts";
export type { TraceHooks, TraceOptions } from "./options.ts";
export { readTraceContext, writeTraceContext } from "./propagation.ts";
export { traceEndpoint, type TraceEndpointOptions } from "./trace-endpoint.ts";
