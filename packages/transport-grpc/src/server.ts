import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  Metadata,
  ServerWritableStream,
} from "@grpc/grpc-js";
import type { status as Status } from "@grpc/grpc-js";
import {
  Code,
  toKitError,
  type BidiStreamEndpoint,
  type ClientStreamEndpoint,
  type Context,
  type Endpoint,
  type KitError,
  type ServerStreamEndpoint,
} from "@kit/endpoint";
import { defaultErrorHandler, type ErrorHandler } from "@kit/transport";
import type { ErrorEncoder } from "./error-encoder.ts";
import { observeErrors } from "@kit/transport/driver";
import { identity } from "./internal/identity.ts";
import { tagKind } from "./internal/kind.ts";
import { ServerCall } from "./internal/server-call.ts";
import { UnaryReply } from "./internal/unary-reply.ts";
import { drained, receive } from "./internal/stream.ts";
import { Undecodable } from "./internal/undecodable.ts";

/**
 * Turns a request message as grpc-js delivers it (a proto-loader object, or an instance of a
 * generated class) into the endpoint's request, Go kit's `DecodeRequestFunc`. What it throws
 * is answered `INVALID_ARGUMENT` unless it is a `KitError` with a code of its own. The default
 * passes the message through unchanged.
 */
export type DecodeRequest<Wire, Req> = (ctx: Context, message: Wire) => Req | Promise<Req>;

/**
 * Turns the endpoint's response into the message grpc-js serializes, Go kit's
 * `EncodeResponseFunc`. What it throws is answered `INTERNAL`. The default passes the response
 * through unchanged.
 */
export type EncodeResponse<Res, Wire> = (ctx: Context, response: Res) => Wire | Promise<Wire>;

/**
 * Runs before decoding, Go kit's `ServerRequestFunc`: reads the request metadata (credentials,
 * trace context) into the context it returns. Throwing fails the call with that error's status.
 */
export type ServerBefore = (ctx: Context, metadata: Metadata) => Context | Promise<Context>;

/**
 * Runs after the endpoint succeeds, Go kit's `ServerResponseFunc`: sets the response `header`
 * and `trailer` metadata and returns the context. On a streaming response it runs once the
 * stream has ended, so only the trailer still reaches the client if a message went out.
 */
export type ServerAfter = (ctx: Context, header: Metadata, trailer: Metadata) => Context | Promise<Context>;

/** What a {@link ServerFinalizer} learns about a finished call. */
export interface ServerOutcome {
  /** The method's full path, such as `/pb.Add/Sum`. */
  readonly method: string;
  /** The gRPC status the call ended with, `0` (OK) on success. */
  readonly status: Status;
  /** The error, when the call failed; `undefined` on success. */
  readonly error: KitError | undefined;
}

/**
 * Runs at the end of every call, whatever happened, Go kit's `ServerFinalizerFunc`: for access
 * logs and metrics. What it throws goes to the error handler.
 */
export type ServerFinalizer = (ctx: Context, outcome: ServerOutcome) => void | Promise<void>;

/** Options for {@link server} and the streaming handlers, with the Go kit names. */
export interface ServerOptions {
  /** Hooks run in order on the request metadata, before decoding. */
  readonly before?: readonly ServerBefore[];
  /** Hooks run in order after the endpoint succeeds; they fill the response metadata. */
  readonly after?: readonly ServerAfter[];
  /**
   * Observes every error (decode, endpoint, encode, finalizer); it never changes the answer.
   * Defaults to `defaultErrorHandler` from `@kit/transport`: one warning line per error on stderr.
   */
  readonly errorHandler?: ErrorHandler;
  /** Hooks run at the end of every call, successful or not. */
  readonly finalizer?: readonly ServerFinalizer[];
  /**
   * Makes the status a failed call ends with, from the error the caller may see; defaults to
   * `encodeError` (the code's status and the error's message).
   */
  readonly errorEncoder?: ErrorEncoder;
  /**
   * Send the text of an error that is not a `KitError` to the caller (default `false`: it is
   * answered `INTERNAL` "internal error", and its text goes only to the error handler). See
   * `publicError` in `@kit/transport`.
   */
  readonly exposeErrors?: boolean;
}

/**
 * Serves an endpoint as a unary gRPC method, Go kit's `grpc.NewServer`: returns a grpc-js
 * handler to bind with {@link bindService} (or `server.addService`).
 *
 * For each call: the caller's `grpc-timeout` becomes the context's deadline, and a cancel by
 * the caller aborts the context's signal; the `before` hooks read the metadata; `decode`,
 * the endpoint, the `after` hooks and `encode` run; the answer is the message, or the error's
 * status, as the `errorEncoder` makes it (by default: a `KitError`'s code with its message,
 * anything else `INTERNAL` "internal error", its message and stack staying on the server, for
 * the `errorHandler`). A deadline that passes
 * ends the call with `DEADLINE_EXCEEDED` at once, whether or not the endpoint stops.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - request message → endpoint request; default: the message itself
 * @param encode - endpoint response → response message; default: the response itself
 * @param options - hooks and the error handler
 *
 * @example
 * ```ts
 * const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => ({ v: a + b });
 * bindService(grpcServer, pkg["pb.Add"] as grpc.ServiceDefinition, { Sum: server(sum) });
 * ```
 */
export function server<Req, Res, WireReq = Req, WireRes = Res>(
  endpoint: Endpoint<Req, Res>,
  decode: DecodeRequest<WireReq, Req> = identity as DecodeRequest<WireReq, Req>,
  encode: EncodeResponse<Res, WireRes> = identity as EncodeResponse<Res, WireRes>,
  options: ServerOptions = {},
): handleUnaryCall<WireReq, WireRes> {
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const unary: Unary<Req, Res, WireReq, WireRes> = {
    endpoint,
    decode,
    encode,
    hasBefore: (options.before?.length ?? 0) > 0,
    hasAfter: (options.after?.length ?? 0) > 0,
  };
  const handler: handleUnaryCall<WireReq, WireRes> = (call, callback) => {
    const scope = new ServerCall(call, options, observe);
    const reply = new UnaryReply(scope, call, callback, encode);
    // The call's end (cancel, deadline) answers at once, whether or not the endpoint stops.
    if (!scope.onEnd(reply.fail)) return;
    if (unary.hasBefore || unary.hasAfter) answerUnary(scope, unary, call.request).then(reply.send, reply.fail);
    else answerWithoutHooks(scope, unary, call.request, reply);
  };
  return tagKind(handler, "unary");
}

/** What a unary handler serves: the endpoint, its codecs, and whether it has hooks to run. */
interface Unary<Req, Res, WireReq, WireRes> {
  readonly endpoint: Endpoint<Req, Res>;
  readonly decode: DecodeRequest<WireReq, Req>;
  readonly encode: EncodeResponse<Res, WireRes>;
  readonly hasBefore: boolean;
  readonly hasAfter: boolean;
}

/**
 * The response message of a unary call: `before` hooks, decode, endpoint, `after` hooks,
 * encode. A synchronous decoder or encoder costs no promise.
 */
async function answerUnary<Req, Res, WireReq, WireRes>(scope: ServerCall, unary: Unary<Req, Res, WireReq, WireRes>, wire: WireReq): Promise<WireRes> {
  if (unary.hasBefore) await scope.before();
  const decoded = decodeRequest(scope.ctx, unary.decode, wire);
  const request = decoded instanceof Promise ? await decoded : decoded;
  const response = await unary.endpoint(scope.ctx, request);
  if (unary.hasAfter) await scope.after();
  return unary.encode(scope.ctx, response); // a non-Kit error here is a bug: INTERNAL
}

/**
 * A unary call without hooks: decode, then the endpoint, whose result goes to the reply
 * (which encodes and sends it), with no async step of Kit's own when the decoder is synchronous.
 */
function answerWithoutHooks<Req, Res, WireReq, WireRes>(scope: ServerCall, unary: Unary<Req, Res, WireReq, WireRes>, wire: WireReq, reply: UnaryReply<Res, WireRes>): void {
  try {
    const decoded = decodeRequest(scope.ctx, unary.decode, wire);
    if (decoded instanceof Promise) {
      decoded.then((request) => {
        callEndpoint(scope, unary.endpoint, request, reply);
      }, reply.fail);
    } else {
      callEndpoint(scope, unary.endpoint, decoded, reply);
    }
  } catch (thrown) {
    reply.fail(thrown);
  }
}

/** Runs the endpoint on a decoded request; its response (or failure) goes to the reply. */
function callEndpoint<Req, Res, WireRes>(scope: ServerCall, endpoint: Endpoint<Req, Res>, request: Req, reply: UnaryReply<Res, WireRes>): void {
  try {
    const response = endpoint(scope.ctx, request) as Res | PromiseLike<Res>;
    if (isThenable(response)) response.then(reply.respond, reply.fail);
    else reply.respond(response);
  } catch (thrown) {
    reply.fail(thrown);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as Partial<PromiseLike<T>> | null)?.then === "function";
}

/**
 * Serves a `ServerStreamEndpoint` as a server-streaming method: the
 * endpoint answers one request with an `AsyncIterable`, and each value is sent as it comes.
 * Sending waits while the client's flow-control window is full, so a slow reader holds the
 * endpoint back instead of making the server buffer. A cancel by the client or a passed
 * deadline aborts the context and stops the iteration (its `finally` blocks run); an error
 * thrown by the endpoint midway ends the stream with that error's status.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - request message → endpoint request; default: the message itself
 * @param encode - each endpoint response → response message; default: the response itself
 * @param options - hooks and the error handler
 *
 * @example
 * ```ts
 * const count: ServerStreamEndpoint<{ n: number }, { i: number }> = async function* (_ctx, { n }) {
 *   for (let i = 0; i < n; i++) yield { i };
 * };
 * bindService(grpcServer, definition, { Count: serverStream(count) });
 * ```
 */
export function serverStream<Req, Res, WireReq = Req, WireRes = Res>(
  endpoint: ServerStreamEndpoint<Req, Res>,
  decode: DecodeRequest<WireReq, Req> = identity as DecodeRequest<WireReq, Req>,
  encode: EncodeResponse<Res, WireRes> = identity as EncodeResponse<Res, WireRes>,
  options: ServerOptions = {},
): handleServerStreamingCall<WireReq, WireRes> {
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const hooks = hooksOf(options);
  const handler: handleServerStreamingCall<WireReq, WireRes> = (call) => {
    void serveServerStream(new ServerCall(call, options, observe), call, endpoint, { decode, encode, hooks });
  };
  return tagKind(handler, "server-stream");
}

/** Which hooks a handler has to run, so a call skips the steps it has none for. */
interface Hooks {
  readonly before: boolean;
  readonly after: boolean;
}

function hooksOf(options: ServerOptions): Hooks {
  return { before: (options.before?.length ?? 0) > 0, after: (options.after?.length ?? 0) > 0 };
}

/** One server-streaming call: every response sent, then the trailer or the failure's status, then the finalizers. */
async function serveServerStream<Req, Res, WireReq, WireRes>(
  scope: ServerCall,
  call: ServerWritableStream<WireReq, WireRes>,
  endpoint: ServerStreamEndpoint<Req, Res>,
  how: { readonly decode: DecodeRequest<WireReq, Req>; readonly encode: EncodeResponse<Res, WireRes>; readonly hooks: Hooks },
): Promise<void> {
  let outcome: { error: KitError; code: Status } | undefined;
  try {
    await scope.race(async () => {
      if (how.hooks.before) await scope.before();
      const decoded = decodeRequest(scope.ctx, how.decode, call.request);
      const request = decoded instanceof Promise ? await decoded : decoded;
      await sendAll(scope, call, endpoint(scope.ctx, request), how.encode, how.hooks.after);
    });
    call.end(scope.trailerToSend());
  } catch (thrown) {
    outcome = await answerStream(scope, call, thrown);
  }
  if (scope.hasFinalizers) await scope.finish(outcome?.error, outcome?.code);
  else scope.release();
}

/**
 * Serves a `ClientStreamEndpoint` as a client-streaming method: the
 * endpoint reads the requests as an `AsyncIterable` (each message decoded as it is read; the
 * next one is read off the wire only when asked for) and answers once. A cancel by the client
 * aborts the context and makes the iteration throw `canceled`; a message that does not decode
 * makes it throw `invalid_argument`.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - each request message → endpoint request; default: the message itself
 * @param encode - endpoint response → response message; default: the response itself
 * @param options - hooks and the error handler
 *
 * @example
 * ```ts
 * const total: ClientStreamEndpoint<{ v: number }, { sum: number }> = async (_ctx, values) => {
 *   let sum = 0;
 *   for await (const { v } of values) sum += v;
 *   return { sum };
 * };
 * bindService(grpcServer, definition, { Total: clientStream(total) });
 * ```
 */
export function clientStream<Req, Res, WireReq = Req, WireRes = Res>(
  endpoint: ClientStreamEndpoint<Req, Res>,
  decode: DecodeRequest<WireReq, Req> = identity as DecodeRequest<WireReq, Req>,
  encode: EncodeResponse<Res, WireRes> = identity as EncodeResponse<Res, WireRes>,
  options: ServerOptions = {},
): handleClientStreamingCall<WireReq, WireRes> {
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const handler: handleClientStreamingCall<WireReq, WireRes> = (call, callback) => {
    const scope = new ServerCall(call, options, observe);
    const serve = async (): Promise<void> => {
      let error: KitError | undefined;
      let status: Status | undefined;
      try {
        const message = await scope.race(async () => {
          await scope.before();
          const requests = receive(call, (wire: WireReq) => decodeRequest(scope.ctx, decode, wire), scope.signal);
          const response = await endpoint(scope.ctx, requests);
          await scope.after();
          return await encode(scope.ctx, response); // a non-Kit error here is a bug: INTERNAL
        });
        if (scope.hasHeader()) call.sendMetadata(scope.header);
        callback(null, message, scope.trailerToSend());
      } catch (thrown) {
        const failed = await scope.fail(thrown);
        error = failed.error;
        status = failed.status.code;
        callback(failed.status);
      }
      await scope.finish(error, status);
    };
    void serve();
  };
  return tagKind(handler, "client-stream");
}

/**
 * Serves a `BidiStreamEndpoint` as a bidirectional method: the endpoint
 * reads the requests as an `AsyncIterable` and returns the responses as one, and both flow at
 * once, each with backpressure (as in {@link clientStream} and {@link serverStream}). A cancel
 * by the client ends both directions: the context aborts, reading throws `canceled`, writing
 * stops. An error from the endpoint ends the call with that error's status, which the client
 * sees on both its sides.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - each request message → endpoint request; default: the message itself
 * @param encode - each endpoint response → response message; default: the response itself
 * @param options - hooks and the error handler
 *
 * @example
 * ```ts
 * const echo: BidiStreamEndpoint<{ text: string }, { text: string }> = async function* (_ctx, requests) {
 *   for await (const { text } of requests) yield { text: text.toUpperCase() };
 * };
 * bindService(grpcServer, definition, { Echo: bidiStream(echo) });
 * ```
 */
export function bidiStream<Req, Res, WireReq = Req, WireRes = Res>(
  endpoint: BidiStreamEndpoint<Req, Res>,
  decode: DecodeRequest<WireReq, Req> = identity as DecodeRequest<WireReq, Req>,
  encode: EncodeResponse<Res, WireRes> = identity as EncodeResponse<Res, WireRes>,
  options: ServerOptions = {},
): handleBidiStreamingCall<WireReq, WireRes> {
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const handler: handleBidiStreamingCall<WireReq, WireRes> = (call) => {
    const scope = new ServerCall(call, options, observe);
    const serve = async (): Promise<void> => {
      let outcome: { error: KitError; code: Status } | undefined;
      try {
        await scope.race(async () => {
          await scope.before();
          const requests = receive(call, (wire: WireReq) => decodeRequest(scope.ctx, decode, wire), scope.signal);
          await sendAll(scope, call, endpoint(scope.ctx, requests), encode);
        });
        call.end(scope.trailerToSend());
      } catch (thrown) {
        outcome = await answerStream(scope, call, thrown);
      }
      await scope.finish(outcome?.error, outcome?.code);
    };
    void serve();
  };
  return tagKind(handler, "bidi-stream");
}

/** A writable grpc-js server call (server-stream or bidi). */
interface WritableCall<W> {
  write(message: W): boolean;
  end(trailer?: Metadata): unknown;
  emit(event: "error", err: unknown): boolean;
  sendMetadata(header: Metadata): void;
  readonly cancelled: boolean;
  readonly destroyed: boolean;
}

/**
 * Sends every response with backpressure, then runs the `after` hooks (unless told there are
 * none). A message the stream takes at once costs no promise; the call's abort signal is made
 * only when a full stream has to be waited on.
 */
// eslint-disable-next-line max-params -- the call, its responses, their encoder, and whether there are hooks after
async function sendAll<Res, W>(
  scope: ServerCall,
  call: WritableCall<W> & Parameters<typeof drained>[0],
  responses: AsyncIterable<Res>,
  encode: EncodeResponse<Res, W>,
  hasAfter = true,
): Promise<void> {
  let sent = 0;
  for await (const response of responses) {
    const encoded = encode(scope.ctx, response);
    const message = encoded instanceof Promise ? await encoded : encoded;
    const ended = scope.endedBy;
    if (ended !== undefined) throw ended;
    sent++;
    if (!call.write(message)) await drained(call, scope.signal);
  }
  if (hasAfter) await scope.after();
  if (sent === 0 && scope.hasHeader()) call.sendMetadata(scope.header);
}

/** Ends a streaming call with the error's status (unless the call is gone already). */
async function answerStream(scope: ServerCall, call: WritableCall<unknown>, thrown: unknown): Promise<{ error: KitError; code: Status }> {
  const failed = await scope.fail(thrown);
  if (!call.cancelled && !call.destroyed) call.emit("error", failed.status);
  return { error: failed.error, code: failed.status.code };
}

/** Decodes a request message; anything that goes wrong is `invalid_argument` unless it has a code. */
function decodeRequest<W, Req>(ctx: Context, decode: DecodeRequest<W, Req>, message: W): Req | Promise<Req> {
  if (message instanceof Undecodable) throw message.error;
  try {
    const request = decode(ctx, message);
    return request instanceof Promise ? request.catch(badRequest) : request;
  } catch (err) {
    return badRequest(err);
  }
}

function badRequest(err: unknown): never {
  throw toKitError(err, Code.InvalidArgument);
}

