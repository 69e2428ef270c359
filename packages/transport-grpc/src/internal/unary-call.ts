import { Metadata, type Client, type MethodDefinition } from "@grpc/grpc-js";
import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import type { ClientOptions, DecodeResponse, EncodeRequest } from "../client.ts";
import { CallWatch, callOptions, okStatus, type Follow } from "./client-call.ts";
import { clientError } from "./errors.ts";

/** What a unary call of {@link unaryWithoutHooks} needs: the method, its codecs, the call options and the wait bound. */
export interface UnaryMethod<WireReq, WireRes, Req, Res> {
  readonly conn: Client;
  readonly method: MethodDefinition<WireReq, WireRes>;
  readonly encode: EncodeRequest<Req, WireReq>;
  readonly decode: DecodeResponse<WireRes, Res>;
  readonly options: ClientOptions;
  /** Milliseconds a call whose context has no deadline waits (`options.timeout`, checked). */
  readonly timeout: number;
}

/** Without hooks, neither the header nor the status event is needed: grpc-js' callback says how the call ended. */
const noEvents: Follow = { header: false, status: false };

/**
 * `client` for a client without hooks (no `before`, `after` or `finalizer`), the common case:
 * the same call, with the same errors, as a plain function and the one promise grpc-js'
 * callback settles, not an async function's suspensions on the way (the cost of each shows in
 * a client's rate). With hooks, `client` takes the path that runs them.
 *
 * @param unary - the method, its codecs, the call options and the wait bound
 */
export function unaryWithoutHooks<WireReq, WireRes, Req, Res>(unary: UnaryMethod<WireReq, WireRes, Req, Res>): Endpoint<Req, Res> {
  const { encode } = unary;
  const send = sendUnary(unary);
  return (ctx, request) => {
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const encoded = encode(ctx, request);
      if (encoded instanceof Promise) return encoded.then((message) => send(ctx, message), (thrown: unknown) => Promise.reject(clientError(thrown, ctx.signal)));
      return send(ctx, encoded);
    } catch (thrown) {
      return Promise.reject(clientError(thrown, ctx.signal));
    }
  };
}

/** Sends an encoded request and settles with the decoded response, or the call's error as a `KitError`. */
function sendUnary<WireReq, WireRes, Req, Res>(unary: UnaryMethod<WireReq, WireRes, Req, Res>): (ctx: Context, message: WireReq) => Promise<Res> {
  const { conn, decode, options, timeout } = unary;
  const { path, requestSerialize, responseDeserialize } = unary.method;
  return (ctx, message) => {
    const { signal } = ctx;
    if (signal.aborted) return Promise.reject(clientError(signal.reason, signal));
    return new Promise<Res>((resolve, reject) => {
      const fail = (thrown: unknown): void => {
        reject(clientError(thrown, signal));
      };
      const state: { watch?: CallWatch; answered: boolean } = { answered: false };
      const call = conn.makeUnaryRequest(path, requestSerialize, responseDeserialize, message, new Metadata(), callOptions(ctx, options), (err, value) => {
        state.answered = true;
        const timedOut = state.watch?.timedOut === true;
        state.watch?.end(err ?? okStatus);
        if (timedOut) fail(new KitError(Code.DeadlineExceeded, `${path}: no response within ${String(timeout)} ms`));
        else if (err !== null) fail(err);
        else decodeInto(ctx, decode, value as WireRes, resolve, fail);
      });
      // grpc-js calls back later, never within makeUnaryRequest; should it ever, there is nothing left to watch.
      if (!state.answered) state.watch = new CallWatch(call, signal, noEvents, ctx.deadline === undefined ? Date.now() + timeout : undefined);
    });
  };
}

/** Decodes the response message into `resolve`; a decoder's failure goes to `fail`. */
// eslint-disable-next-line max-params -- the decoder, its input and the two ends of the call's promise
function decodeInto<WireRes, Res>(ctx: Context, decode: DecodeResponse<WireRes, Res>, value: WireRes, resolve: (response: Res) => void, fail: (thrown: unknown) => void): void {
  try {
    const decoded = decode(ctx, value);
    if (decoded instanceof Promise) decoded.then(resolve, fail);
    else resolve(decoded);
  } catch (thrown) {
    fail(thrown);
  }
}
