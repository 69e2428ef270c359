import { status as Status, type Client, type ClientWritableStream, type MethodDefinition, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { toKitError, type BidiStreamEndpoint, type ClientStreamEndpoint, type ServerStreamEndpoint } from "@kit/endpoint";
import type { ClientOptions, DecodeResponse, EncodeRequest } from "./client.ts";
import { callOptions, type CallWatch } from "./internal/client-call.ts";
import { clientError } from "./internal/errors.ts";
import { identity } from "./internal/identity.ts";
import { expectKind } from "./internal/kind.ts";
import { StreamCall } from "./internal/stream-call.ts";
import { MessageReader, send } from "./internal/stream.ts";

/**
 * Calls a server-streaming method: the result is a `ServerStreamEndpoint`,
 * whose `AsyncIterable` makes the call when iteration starts and yields each response as it
 * arrives. The next message is read off the wire only when asked for, so a slow consumer holds
 * the server back through flow control. Breaking out of the loop, or canceling the context,
 * cancels the call; the server's context is canceled with it. A failed call makes the iteration
 * throw a `KitError` with the status's code.
 *
 * @param conn - your grpc-js client
 * @param method - the method's definition, such as `definition.RunningSum`
 * @param encode - endpoint request → request message; default: the request itself
 * @param decode - each response message → endpoint response; default: the message itself
 * @param options - hooks and grpc-js call options, as for {@link client}
 *
 * @example
 * ```ts
 * const count = serverStreamClient<{ n: number }, { i: number }>(conn, definition.Count);
 * for await (const { i } of count(ctx, { n: 3 })) console.log(i); // 0 1 2
 * ```
 */
// eslint-disable-next-line max-params -- the shape of client(), Go kit's NewClient
export function serverStreamClient<WireReq, WireRes, Req = WireReq, Res = WireRes>(
  conn: Client,
  method: MethodDefinition<WireReq, WireRes>,
  encode: EncodeRequest<Req, WireReq> = identity as EncodeRequest<Req, WireReq>,
  decode: DecodeResponse<WireRes, Res> = identity as DecodeResponse<WireRes, Res>,
  options: ClientOptions = {},
): ServerStreamEndpoint<Req, Res> {
  expectKind(method, "server-stream", "serverStreamClient");
  const { path, requestSerialize, responseDeserialize } = method;
  return async function* (ctx, request) {
    const run = new StreamCall(ctx, path, options);
    try {
      run.ensureOpen();
      const message = await encode(ctx, request);
      const metadata = await run.before();
      const decoding = run.ctx;
      const call = conn.makeServerStreamRequest(path, requestSerialize, responseDeserialize, message, metadata, callOptions(decoding, options));
      const watch = run.follow(call);
      // The loop reads the call directly: every layer of async iteration costs each message.
      const reader = new MessageReader<WireRes>(call);
      for (;;) {
        const wire = reader.read();
        if (wire !== undefined) {
          const decoded = decode(decoding, wire);
          yield decoded instanceof Promise ? await decoded : decoded;
        } else if (!(await reader.more())) break;
      }
      const status = await watch.ended;
      if (status.code !== Status.OK) throw clientError(status, decoding.signal);
      await run.succeeded(watch, status);
    } catch (err) {
      throw await run.failed(err);
    } finally {
      await run.finish();
    }
  };
}

/**
 * Calls a client-streaming method: the result is a `ClientStreamEndpoint`
 * that sends each value of the `AsyncIterable` it is given (waiting while the server's window
 * is full, so a slow server holds the producer back), half-closes when the iterable ends, and
 * resolves with the server's one answer. If the server answers or fails early, or the context
 * is canceled, the iterable is stopped (its `return` is called); if the iterable throws, the
 * call is canceled and the promise rejects with that error.
 *
 * @param conn - your grpc-js client
 * @param method - the method's definition
 * @param encode - each endpoint request → request message; default: the request itself
 * @param decode - response message → endpoint response; default: the message itself
 * @param options - hooks and grpc-js call options, as for {@link client}
 *
 * @example
 * ```ts
 * const total = clientStreamClient<{ v: number }, { sum: number }>(conn, definition.Total);
 * await total(ctx, [{ v: 1 }, { v: 2 }].values()); // { sum: 3 }
 * ```
 */
// eslint-disable-next-line max-params -- the shape of client(), Go kit's NewClient
export function clientStreamClient<WireReq, WireRes, Req = WireReq, Res = WireRes>(
  conn: Client,
  method: MethodDefinition<WireReq, WireRes>,
  encode: EncodeRequest<Req, WireReq> = identity as EncodeRequest<Req, WireReq>,
  decode: DecodeResponse<WireRes, Res> = identity as DecodeResponse<WireRes, Res>,
  options: ClientOptions = {},
): ClientStreamEndpoint<Req, Res> {
  expectKind(method, "client-stream", "clientStreamClient");
  const { path, requestSerialize, responseDeserialize } = method;
  return async (ctx, requests) => {
    const run = new StreamCall(ctx, path, options);
    try {
      const metadata = await run.start();
      const encoding = run.ctx;
      const result: { err: ServiceError | null; value?: WireRes | undefined } = { err: null };
      const call = conn.makeClientStreamRequest(path, requestSerialize, responseDeserialize, metadata, callOptions(encoding, options), (err, value) => {
        result.err = err;
        result.value = value;
      });
      const watch = run.follow(call);
      const pumping = pump(requests, call, (r) => encode(encoding, r), watch);
      const status = await requestsEnded(pumping, watch);
      if (result.err !== null) throw result.err;
      await run.succeeded(watch, status);
      return await decode(run.ctx, result.value as WireRes);
    } catch (err) {
      throw await run.failed(err);
    } finally {
      await run.finish();
    }
  };
}

/**
 * Calls a bidirectional method: the result is a `BidiStreamEndpoint`.
 * When iteration of its result starts, it makes the call, sends the values of the given
 * `AsyncIterable` in the background (with backpressure, half-closing at its end) and yields
 * the responses as they arrive. Either side ending the call ends both directions: breaking out
 * of the loop or canceling the context cancels the call and stops the requests; a server error
 * makes the loop throw and stops the requests; an error thrown by the requests cancels the call
 * and the loop throws it.
 *
 * @param conn - your grpc-js client
 * @param method - the method's definition
 * @param encode - each endpoint request → request message; default: the request itself
 * @param decode - each response message → endpoint response; default: the message itself
 * @param options - hooks and grpc-js call options, as for {@link client}
 *
 * @example
 * ```ts
 * const echo = bidiStreamClient<{ text: string }, { text: string }>(conn, definition.Echo);
 * for await (const { text } of echo(ctx, [{ text: "a" }, { text: "b" }].values())) console.log(text);
 * ```
 */
// eslint-disable-next-line max-params -- the shape of client(), Go kit's NewClient
export function bidiStreamClient<WireReq, WireRes, Req = WireReq, Res = WireRes>(
  conn: Client,
  method: MethodDefinition<WireReq, WireRes>,
  encode: EncodeRequest<Req, WireReq> = identity as EncodeRequest<Req, WireReq>,
  decode: DecodeResponse<WireRes, Res> = identity as DecodeResponse<WireRes, Res>,
  options: ClientOptions = {},
): BidiStreamEndpoint<Req, Res> {
  expectKind(method, "bidi-stream", "bidiStreamClient");
  const { path, requestSerialize, responseDeserialize } = method;
  return async function* (ctx, requests) {
    const run = new StreamCall(ctx, path, options);
    try {
      const metadata = await run.start();
      const encoding = run.ctx;
      const call = conn.makeBidiStreamRequest(path, requestSerialize, responseDeserialize, metadata, callOptions(encoding, options));
      const watch = run.follow(call);
      const pumping = pump(requests, call, (r) => encode(encoding, r), watch);
      try {
        const reader = new MessageReader<WireRes>(call);
        for (;;) {
          const wire = reader.read();
          if (wire !== undefined) {
            const decoded = decode(encoding, wire);
            yield decoded instanceof Promise ? await decoded : decoded;
          } else if (!(await reader.more())) break;
        }
      } catch (err) {
        await requestsEnded(pumping, watch); // the requests' own error, if they failed first
        throw err;
      }
      const status = await requestsEnded(pumping, watch);
      if (status.code !== Status.OK) throw clientError(status, encoding.signal);
      await run.succeeded(watch, status);
    } catch (err) {
      throw await run.failed(err);
    } finally {
      await run.finish();
    }
  };
}

/**
 * Waits for the call's status and for the requests to stop; throws the requests' own error (or
 * their encoding's) if they failed and so canceled the call, else resolves with the status.
 */
async function requestsEnded(pumping: Promise<unknown>, watch: CallWatch): Promise<StatusObject> {
  const status = await watch.ended;
  const failure = await pumping;
  if (failure !== undefined) throw toKitError(failure);
  return status;
}

/**
 * Writes every request to the call with backpressure, then half-closes it. Stops as soon as
 * the call has ended (the iterable's `return` runs). Resolves with the error of the requests
 * (or of encoding one), after canceling the call, or `undefined`.
 */
async function pump<Req, W>(
  requests: AsyncIterable<Req> | Iterable<Req>,
  call: ClientWritableStream<W>,
  encode: (request: Req) => W | Promise<W>,
  watch: CallWatch,
): Promise<unknown> {
  const stop = new AbortController();
  void watch.ended.then(() => {
    stop.abort();
  });
  try {
    for await (const request of requests) {
      if (stop.signal.aborted) break;
      const full = send(call, await encode(request), stop.signal);
      if (full !== undefined) await full;
    }
    if (!stop.signal.aborted) call.end();
    return undefined;
  } catch (err) {
    if (stop.signal.aborted) return undefined; // the call ended first: its status tells
    call.cancel();
    return err;
  }
}
