// addsvc's traces to a Zipkin server, Go kit's addsvc `-zipkin-url` flag on OpenTelemetry: a
// tracer provider registered globally, whose spans go to Zipkin's v2 API in batches under the
// service name `addsvc`, with W3C trace context read from (and written to) every transport's
// headers. main.ts calls it when given `--zipkin-url`; @kit/tracing's hooks and middleware then
// use the global tracer.
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { ZipkinExporter } from "@opentelemetry/exporter-zipkin";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Sends every span of this process to the Zipkin server at `url` (its v2 spans API, such as
 * `http://127.0.0.1:9411/api/v2/spans`) under `serviceName`.
 *
 * @param url - Zipkin's spans endpoint
 * @param serviceName - the name the spans are filed under in Zipkin; default `"addsvc"`
 * @returns a function that sends the spans still buffered and stops tracing, for the way out
 *
 * @example
 * ```ts
 * const stopTracing = traceToZipkin("http://127.0.0.1:9411/api/v2/spans");
 * const app = await start({ logger, tracing: true });
 * // … on shutdown
 * await app.close();
 * await stopTracing();
 * ```
 */
export function traceToZipkin(url: string, serviceName = "addsvc"): () => Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": serviceName }),
    spanProcessors: [new BatchSpanProcessor(new ZipkinExporter({ url }), { scheduledDelayMillis: 500 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
