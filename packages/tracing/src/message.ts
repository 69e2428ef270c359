import type { Context, KitError } from "@kit/endpoint";
import type { SubscriberBefore, SubscriberFinalizer } from "@kit/transport";
import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { HeaderSetter } from "./carriers.ts";
import { otelContext } from "./context.ts";
import { headerGetter, headerSetter } from "./internal/carriers.ts";
import { openSpan, propagatorOf, recordError, spanSlot, startSpan } from "./internal/span.ts";
import type { TraceHooks, TraceOptions } from "./options.ts";

/** Options for {@link subscriberTrace} and {@link publisherTrace}. */
export interface MessageTraceOptions extends TraceOptions {
  /** The queue, subject or topic: spans are named `process <destination>` and `send <destination>`. */
  readonly destination: string;
  /**
   * The broker, for `messaging.system`, in OpenTelemetry's spelling: `"nats"`, `"rabbitmq"`,
   * `"kafka"`, `"aws_sqs"`. Left out when not given.
   */
  readonly system?: string;
}

/**
 * Trace hooks for a message subscriber on any Kit message transport (NATS, AMQP, Kafka, SQS,
 * in-memory: they share `@kit/transport`'s `SubscriberOptions`). `before` reads the sender's
 * trace context from the message headers (`traceparent`/`tracestate`) and starts a CONSUMER
 * span `process <destination>` under it, one per delivery attempt (a new trace when the
 * headers have none or a malformed one); the endpoint's spans are its children. `finalizer`
 * ends it with `kit.message.decision` (`succeeded`, `answered`, `retried`, `dead-lettered`,
 * `released`) and `kit.message.attempt`; an attempt that failed (retried, dead-lettered, or a
 * request answered with an error) is marked failed with `kit.error.code`.
 *
 * @param options - destination, system, tracer, propagator, attributes
 *
 * @example
 * ```ts
 * const traced = traceEndpoint<SumRequest, SumResponse>("Sum")(sum);
 * const sub = subscriber(broker, "sum", traced, decode, encode, subscriberTrace({ destination: "sum" }));
 * ```
 */
export function subscriberTrace(options: MessageTraceOptions): TraceHooks<SubscriberBefore, SubscriberFinalizer> {
  const slot = spanSlot("subscriber");
  const propagator = propagatorOf(options);
  const attributes = messagingAttributes(options, "process");
  return {
    before: [
      (ctx, message) => {
        const parent = propagator.extract(otelContext(ctx), message.headers, headerGetter);
        const name = `process ${options.destination}`;
        return startSpan(ctx, options, { slot, name, kind: SpanKind.CONSUMER, attributes, parent })[0];
      },
    ],
    finalizer: [
      (ctx, { decision, attempt, error }) => {
        const span = openSpan(ctx, slot);
        if (span === undefined) return;
        span.setAttributes({ "kit.message.decision": decision, "kit.message.attempt": attempt });
        recordError(span, error, decision === "retried" || decision === "dead-lettered" || decision === "answered");
        span.end();
      },
    ],
  };
}

/**
 * Trace hooks for a message publisher on any Kit message transport, request/reply or fire and
 * forget. `before` starts a PRODUCER span `send <destination>` under the caller's span and
 * writes its trace context into the message headers, so the subscriber's span continues the
 * trace. `finalizer` ends it; a failed call (including an error reply) is marked failed, with
 * `kit.error.code`.
 *
 * @param options - destination, system, tracer, propagator, attributes
 *
 * @example
 * ```ts
 * const sum = publisher(broker, "sum", encodeJSONMessage, decodeJSONMessage(), publisherTrace({ destination: "sum" }));
 * ```
 */
export function publisherTrace(
  options: MessageTraceOptions,
): TraceHooks<
  (ctx: Context, message: { readonly headers: HeaderSetter }) => Context,
  (ctx: Context, outcome: { readonly error: KitError | undefined }) => void
> {
  const slot = spanSlot("publisher");
  const propagator = propagatorOf(options);
  const attributes = messagingAttributes(options, "send");
  return {
    before: [
      (ctx, message) => {
        const name = `send ${options.destination}`;
        const [next, spanContext] = startSpan(ctx, options, { slot, name, kind: SpanKind.PRODUCER, attributes, parent: otelContext(ctx) });
        propagator.inject(spanContext, message.headers, headerSetter);
        return next;
      },
    ],
    finalizer: [
      (ctx, { error }) => {
        const span = openSpan(ctx, slot);
        if (span === undefined) return;
        recordError(span, error, error !== undefined);
        span.end();
      },
    ],
  };
}

function messagingAttributes(options: MessageTraceOptions, operation: "send" | "process"): Attributes {
  const attributes: Attributes = {
    "messaging.destination.name": options.destination,
    "messaging.operation.type": operation,
    "messaging.operation.name": operation,
  };
  if (options.system !== undefined) attributes["messaging.system"] = options.system;
  return attributes;
}
