import { Metadata, type CallOptions, type Client, type MethodDefinition, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { replyTarget } from "@kit/transport/driver";
import { CallWatch, callOptions, type Follow, isAborted, okStatus, outcomeOf, runAfter, runBefore, runFinalizers } from "./internal/client-call.ts";
import { clientError } from "./internal/errors.ts";
import { identity } from "./internal/identity.ts";
import { expectKind } from "./internal/kind.ts";
import { unaryWithoutHooks } from "./internal/unary-call.ts";

/**
 * Turns the endpoint's request into the message grpc-js serializes, Go kit's
 * `EncodeRequestFunc`. The default passes the request through unchanged.
 */
export type EncodeRequest<Req, Wire> = (ctx: Context, request: Req) => Wire | Promise<Wire>;

/**
 * Turns a response message into the endpoint's response, Go kit's `DecodeResponseFunc`. The
 * default passes the message through unchanged.
 */
export type DecodeResponse<Wire, Res> = (ctx: Context, message: Wire) => Res | Promise<Res>;

/**
 * Runs before the call is made, Go kit's `ClientRequestFunc`: writes the outgoing metadata
 * (credentials, trace context) and returns the context.
 */
export type ClientBefore = (ctx: Context, metadata: Metadata) => Context | Promise<Context>;

/**
 * Runs on every response, error statuses too, before decoding (on a stream: once it has
 * ended), Go kit's `ClientResponseFunc`: reads the response header and trailer into the context
 * it returns. It does not run for a call the caller's context ended (canceled, deadline), nor
 * for one that failed before it was sent. What it throws is the error the call fails with.
 */
export type ClientAfter = (ctx: Context, header: Metadata, trailer: Metadata) => Context | Promise<Context>;

/** What a {@link ClientFinalizer} learns about a finished call. */
export interface ClientOutcome {
  /** The method's full path, such as `/pb.Add/Sum`. */
  readonly method: string;
  /** The gRPC status received; `undefined` when the call never got one. */
  readonly status: number | undefined;
  /** The error the call failed with; `undefined` on success. */
  readonly error: KitError | undefined;
}

/**
 * Runs at the end of every call, whatever happened, Go kit's `ClientFinalizerFunc`: for
 * metrics and logs. What it throws is ignored.
 */
export type ClientFinalizer = (ctx: Context, outcome: ClientOutcome) => void | Promise<void>;

/** Options for {@link client} and the streaming clients, with the Go kit names. */
export interface ClientOptions {
  /** Hooks run in order after encoding, before the call is made. */
  readonly before?: readonly ClientBefore[];
  /** Hooks run in order on every response (error statuses too), before decoding. */
  readonly after?: readonly ClientAfter[];
  /** Hooks run at the end of every call, successful or not. */
  readonly finalizer?: readonly ClientFinalizer[];
  /**
   * grpc-js call options for every call (credentials, interceptors); the deadline is always
   * the context's.
   */
  readonly callOptions?: Omit<CallOptions, "deadline">;
  /**
   * Milliseconds a unary call (`client`) **whose context has no deadline** waits for its
   * response before it is canceled and fails `deadline_exceeded`; default
   * `defaultReplyTimeout` from `@kit/transport/driver` (30 000), as every Kit requester. The
   * caller's side only: it is not sent as `grpc-timeout` (only a context's deadline is). The
   * streaming clients ignore it: a stream lasts as long as its context lets it.
   */
  readonly timeout?: number;
}

const noAnswer = (): void => undefined;

/** Ends a watch that does not follow the status event with the status grpc-js' callback reported. */
function answeredStatus(watch: CallWatch, err: ServiceError | null): StatusObject {
  const status = err ?? okStatus;
  watch.end(status);
  return status;
}

/**
 * Calls a unary gRPC method, Go kit's `grpc.NewClient`: the result is an
 * `Endpoint`, so client middleware (retry, circuit breaker, tracing) wraps
 * it like any other.
 *
 * Each call: `encode` builds the message; the `before` hooks write the metadata; the call goes
 * out on your grpc-js client (its channel, credentials and options) with the context's deadline
 * as `grpc-timeout`, and is canceled when the context is; the `after` hooks read the response
 * metadata (of an error status too); `decode` reads the message; the `finalizer` hooks run last. A failed call throws a
 * `KitError` with the code of the gRPC status and its message
 * (`NOT_FOUND` → `not_found`), or the context's reason if the context ended it. A call whose
 * context has no deadline is canceled after `options.timeout` (default 30 000 ms) and fails
 * `deadline_exceeded`, so no call waits forever.
 *
 * @param conn - your grpc-js client: `new grpc.Client(target, credentials)` or a generated one
 * @param method - the method's definition, such as `pkg["pb.Add"].Sum` from proto-loader
 * @param encode - endpoint request → request message; default: the request itself
 * @param decode - response message → endpoint response; default: the message itself
 * @param options - hooks, grpc-js call options and the wait bound (`timeout`)
 *
 * @example
 * ```ts
 * const Add = pkg["pb.Add"] as grpc.ServiceDefinition;
 * const conn = new grpc.Client("127.0.0.1:8082", grpc.credentials.createInsecure());
 * const sum = client<{ a: number; b: number }, { v: number; err: string }>(conn, Add.Sum);
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewClient(conn, service, method, enc, dec, ...), as the transport contract spells it
export function client<WireReq, WireRes, Req = WireReq, Res = WireRes>(
  conn: Client,
  method: MethodDefinition<WireReq, WireRes>,
  encode: EncodeRequest<Req, WireReq> = identity as EncodeRequest<Req, WireReq>,
  decode: DecodeResponse<WireRes, Res> = identity as DecodeResponse<WireRes, Res>,
  options: ClientOptions = {},
): Endpoint<Req, Res> {
  expectKind(method, "unary", "client");
  const { path, requestSerialize, responseDeserialize } = method;
  const hasBefore = (options.before?.length ?? 0) > 0;
  const hasAfter = (options.after?.length ?? 0) > 0;
  const { timeout } = replyTarget("gRPC", path, options.timeout); // checks the option
  if (!hasBefore && !hasAfter && (options.finalizer?.length ?? 0) === 0) return unaryWithoutHooks({ conn, method, encode, decode, options, timeout });
  // Without `after` hooks, neither the header nor the status event is needed: the callback says
  // how the call ended.
  const follow: Follow = { header: hasAfter, status: hasAfter };
  return async (ctx, request) => {
    let current = ctx;
    let watch: CallWatch | undefined;
    let error: KitError | undefined;
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const encoded = encode(ctx, request);
      const message = encoded instanceof Promise ? await encoded : encoded;
      const metadata = new Metadata();
      if (hasBefore) current = await runBefore(current, options, metadata);
      const signal = current.signal;
      if (signal.aborted) throw signal.reason as Error;
      let answer: (result: UnaryResult<WireRes>) => void = noAnswer;
      const answered = new Promise<UnaryResult<WireRes>>((resolve) => {
        answer = resolve;
      });
      const call = conn.makeUnaryRequest(path, requestSerialize, responseDeserialize, message, metadata, callOptions(current, options), (err, value) => {
        answer({ err, value });
      });
      watch = new CallWatch(call, signal, follow, current.deadline === undefined ? Date.now() + timeout : undefined);
      const result = await answered;
      // grpc-js calls back just before it emits the status: the watch has it if it follows it
      // (the `after` hooks read its trailer); else the callback's error or OK is the status.
      const status = watch.status ?? answeredStatus(watch, result.err);
      if (watch.timedOut) throw new KitError(Code.DeadlineExceeded, `${path}: no response within ${String(timeout)} ms`);
      // On every response, an error status too (as the HTTP client's), unless the context ended the call.
      if (hasAfter && !isAborted(signal)) current = await runAfter(current, options, watch.header ?? new Metadata(), status.metadata);
      if (result.err !== null) throw result.err;
      const decoded = decode(current, result.value as WireRes);
      return decoded instanceof Promise ? await decoded : decoded;
    } catch (err) {
      error = clientError(err, current.signal);
      throw error;
    } finally {
      if (options.finalizer !== undefined) await runFinalizers(current, options, outcomeOf(path, watch, error));
    }
  };
}

/** What grpc-js' callback reports for a unary call: the error status, or the response message. */
interface UnaryResult<WireRes> {
  readonly err: ServiceError | null;
  readonly value?: WireRes | undefined;
}
