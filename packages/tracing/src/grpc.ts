import { isKitError, type Code, type Context, type KitError } from "@kit/endpoint";
import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { MetadataCarrier } from "./carriers.ts";
import { otelContext } from "./context.ts";
import { headerSetter, metadataGetter } from "./internal/carriers.ts";
import { openSpan, propagatorOf, recordError, spanSlot, startSpan, type SpanSlot } from "./internal/span.ts";
import type { TraceHooks, TraceOptions } from "./options.ts";

/** Options for {@link grpcServerTrace} and {@link grpcClientTrace}. */
export interface GrpcTraceOptions extends TraceOptions {
  /**
   * The full method name, `/package.Service/Method` (the leading slash is optional): the span
   * is named `package.Service/Method`, with `rpc.service` and `rpc.method`. Without it the span
   * starts as `grpc` and takes the method's name from the finalizer's outcome, when that has a
   * `method` (as `@kit/transport-grpc`'s outcomes do).
   */
  readonly method?: string;
}

/**
 * Where the gRPC hooks find the call's metadata: grpc-js `Metadata` (or anything with its
 * `get` and `set`), or an object carrying it as `metadata` (a grpc-js server call).
 */
export type MetadataSource =
  | MetadataCarrier
  | {
      /** The call's metadata. */
      readonly metadata: MetadataCarrier;
    };

/**
 * What the gRPC finalizers read: a transport's outcome (the `error`, `undefined` on success;
 * the numeric gRPC `status` and the full `method` name where the transport gives them), or
 * the error itself as Go kit's `ServerFinalizerFunc` gets it.
 */
export type GrpcOutcome =
  | {
      /** The full method name, such as `/pb.Add/Sum`. */
      readonly method?: string | undefined;
      /** The gRPC status the call ended with, `0` for OK; `undefined` when there was none. */
      readonly status?: number | undefined;
      /** The call's error; `undefined` when it succeeded. */
      readonly error?: KitError | undefined;
    }
  | KitError
  | undefined;

/**
 * Trace hooks for a gRPC server (`@kit/transport-grpc`'s `server` and the streaming handlers),
 * Go kit's `GRPCServerTrace`. `before` reads the caller's trace context from the request
 * metadata (`traceparent`/`tracestate`) and starts a SERVER span under it (a new trace when
 * there is none or it is malformed), named for the method, with `rpc.system` `grpc`,
 * `rpc.service` and `rpc.method`. `finalizer` ends it with `rpc.grpc.status_code` and
 * `kit.error.code`; the statuses that are the server's fault (`UNKNOWN`, `DEADLINE_EXCEEDED`,
 * `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE`, `DATA_LOSS`) mark it failed, as OpenTelemetry's
 * RPC conventions have it. Structural: needs no gRPC dependency.
 *
 * @param options - the method, tracer, propagator, attributes
 *
 * @example
 * ```ts
 * bindService(grpcServer, pkg["pb.Add"], {
 *   Sum: server(traceEndpoint<SumRequest, SumResponse>("Sum")(sum), decode, encode, grpcServerTrace({ method: "/pb.Add/Sum" })),
 * });
 * ```
 */
export function grpcServerTrace(
  options: GrpcTraceOptions = {},
): TraceHooks<(ctx: Context, metadata: MetadataSource) => Context, (ctx: Context, outcome: GrpcOutcome) => void> {
  const slot = spanSlot("grpc-server");
  const propagator = propagatorOf(options);
  const [name, attributes] = describe(options.method);
  const named = options.method !== undefined;
  return {
    before: [
      (ctx, source) => {
        const parent = propagator.extract(otelContext(ctx), metadataOf(source), metadataGetter);
        return startSpan(ctx, options, { slot, name, kind: SpanKind.SERVER, attributes, parent })[0];
      },
    ],
    finalizer: [
      (ctx, outcome) => {
        finish(ctx, slot, outcome, { named, fails: (status) => serverFaults.has(status) });
      },
    ],
  };
}

/**
 * Trace hooks for a gRPC client (`@kit/transport-grpc`'s `client` and the streaming clients),
 * Go kit's `GRPCClientTrace`. `before` starts a CLIENT span under the caller's span, named for
 * the method (attributes as {@link grpcServerTrace}), and writes its trace context into the
 * outgoing metadata. `finalizer` ends it with `rpc.grpc.status_code`; any status but OK marks
 * it failed, with `kit.error.code`.
 *
 * @param options - the method, tracer, propagator, attributes
 *
 * @example
 * ```ts
 * const sum = client(conn, Add.Sum, encode, decode, grpcClientTrace({ method: Add.Sum.path }));
 * ```
 */
export function grpcClientTrace(
  options: GrpcTraceOptions = {},
): TraceHooks<(ctx: Context, metadata: MetadataSource) => Context, (ctx: Context, outcome: GrpcOutcome) => void> {
  const slot = spanSlot("grpc-client");
  const propagator = propagatorOf(options);
  const [name, attributes] = describe(options.method);
  const named = options.method !== undefined;
  return {
    before: [
      (ctx, source) => {
        const [next, spanContext] = startSpan(ctx, options, { slot, name, kind: SpanKind.CLIENT, attributes, parent: otelContext(ctx) });
        propagator.inject(spanContext, metadataOf(source), headerSetter);
        return next;
      },
    ],
    finalizer: [
      (ctx, outcome) => {
        finish(ctx, slot, outcome, { named, fails: (status) => status !== 0 });
      },
    ],
  };
}

function metadataOf(source: MetadataSource): MetadataCarrier {
  return "metadata" in source ? source.metadata : source;
}

/** The span name and attributes for a full method name; `grpc` until the name is known. */
function describe(method: string | undefined): readonly [string, Attributes] {
  const attributes: Attributes = { "rpc.system": "grpc" };
  if (method === undefined) return ["grpc", attributes];
  const name = method.startsWith("/") ? method.slice(1) : method;
  const slash = name.lastIndexOf("/");
  if (slash > 0) {
    attributes["rpc.service"] = name.slice(0, slash);
    attributes["rpc.method"] = name.slice(slash + 1);
  }
  return [name, attributes];
}

/** How a side ends its span: whether its name was known at the start, which statuses fail it. */
interface Side {
  readonly named: boolean;
  readonly fails: (status: number) => boolean;
}

function finish(ctx: Context, slot: SpanSlot, outcome: GrpcOutcome, { named, fails }: Side): void {
  const span = openSpan(ctx, slot);
  if (span === undefined) return;
  const error = isKitError(outcome) ? outcome : outcome?.error;
  const given = isKitError(outcome) ? undefined : outcome;
  if (!named && given?.method !== undefined) {
    const [name, attributes] = describe(given.method);
    span.updateName(name);
    span.setAttributes(attributes);
  }
  const status = given?.status ?? (error === undefined ? 0 : grpcStatus[error.code]);
  span.setAttribute("rpc.grpc.status_code", status);
  recordError(span, error, fails(status));
  span.end();
}

/** The statuses OpenTelemetry's RPC conventions count as a gRPC server's fault. */
const serverFaults: ReadonlySet<number> = new Set([2, 4, 12, 13, 14, 15]);

/** The gRPC status number of each Kit code (they are gRPC's canonical codes). */
const grpcStatus: Readonly<Record<Code, number>> = {
  canceled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
};
