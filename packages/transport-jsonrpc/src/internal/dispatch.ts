import { Code, isKitError, KitError, toKitError, untilAborted, type Context } from "@kit/endpoint";
import { errorObject } from "../error-codes.ts";
import type { MethodCodec, MethodTable } from "../method.ts";
import { ErrorCode, version, type JsonRpcRequest, type JsonRpcResponse } from "../protocol.ts";
import { isThenable } from "./thenable.ts";

/** What {@link dispatch} needs besides the request. */
export interface Dispatch {
  readonly methods: MethodTable;
  /** Reports an error to the server's error handler. */
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Whether a non-Kit error's own message reaches the caller. */
  readonly exposeErrors: boolean;
}

/** A call's response: at once when its decoder, endpoint and encoder answered at once, else a promise. */
export type Dispatched = JsonRpcResponse | undefined | Promise<JsonRpcResponse | undefined>;

/**
 * Runs one checked request: finds its method, decodes its params, calls the endpoint, encodes
 * the result. Gives the response object, or `undefined` for a notification (which runs all the
 * same, and whose errors go only to the error handler); never throws or rejects. Each step goes
 * on directly when the last one returned a value, through `then` only for a promise. With a
 * deadline, a call is answered when it passes even if the endpoint ignores its context; without
 * one, only a client that went away ends the context, and nobody is left to answer.
 */
export function dispatch(ctx: Context, request: JsonRpcRequest, options: Dispatch): Dispatched {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table entry's own Req/Res are not known here
  const codec: MethodCodec<any, any> | undefined = Object.hasOwn(options.methods, request.method) ? options.methods[request.method] : undefined;
  const call = new Call(ctx, request, options);
  if (codec === undefined) return call.notFound();
  let decoded: unknown;
  try {
    decoded = codec.decode(ctx, request.params);
  } catch (thrown) {
    return call.failed(thrown, true);
  }
  if (!isThenable(decoded)) return call.run(codec, decoded);
  return call.raced(decoded).then((value) => call.run(codec, value), (thrown: unknown) => call.failed(thrown, true));
}

/** One request on its way through {@link dispatch}. */
class Call {
  readonly #ctx: Context;
  readonly #request: JsonRpcRequest;
  readonly #options: Dispatch;

  constructor(ctx: Context, request: JsonRpcRequest, options: Dispatch) {
    this.#ctx = ctx;
    this.#request = request;
    this.#options = options;
  }

  notFound(): JsonRpcResponse | undefined {
    const err = new KitError(Code.Unimplemented, `method not found: ${JSON.stringify(this.#request.method.slice(0, 100))}`);
    this.#options.observe(this.#ctx, err);
    if (this.#request.id === undefined) return undefined;
    return { jsonrpc: version, error: { code: ErrorCode.MethodNotFound, message: err.message }, id: this.#request.id };
  }

  /** Calls the endpoint with the decoded request and encodes what it answers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table entry's own Req/Res are not known here
  run(codec: MethodCodec<any, any>, decoded: unknown): Dispatched {
    let response: unknown;
    try {
      response = codec.endpoint(this.#ctx, decoded);
    } catch (thrown) {
      return this.failed(thrown, false);
    }
    if (!isThenable(response)) return this.encoded(codec, response);
    return this.raced(response).then((value) => this.encoded(codec, value), (thrown: unknown) => this.failed(thrown, false));
  }

  /** `pending`, or with a deadline, `pending` raced against the context's end. */
  raced(pending: PromiseLike<unknown>): Promise<unknown> {
    if (this.#ctx.deadline === undefined) return Promise.resolve(pending);
    return untilAborted(this.#ctx.signal, () => Promise.resolve(pending));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a table entry's own Req/Res are not known here
  encoded(codec: MethodCodec<any, any>, response: unknown): Dispatched {
    let result: unknown;
    try {
      result = codec.encode(this.#ctx, response);
    } catch (thrown) {
      return this.failed(thrown, false);
    }
    if (isThenable(result)) return Promise.resolve(result).then((value) => this.succeeded(value), (thrown: unknown) => this.failed(thrown, false));
    return this.succeeded(result);
  }

  succeeded(result: unknown): JsonRpcResponse | undefined {
    if (this.#request.id === undefined) return undefined;
    return { jsonrpc: version, result: result ?? null, id: this.#request.id };
  }

  /** The error response for what the decoder (`decoding`) or the endpoint or encoder threw; reported to the error handler. */
  failed(thrown: unknown, decoding: boolean): JsonRpcResponse | undefined {
    const err = disclosed(thrown, decoding, this.#options.exposeErrors);
    this.#options.observe(this.#ctx, toKitError(thrown, decoding ? Code.InvalidArgument : Code.Internal));
    if (this.#request.id === undefined) return undefined;
    return { jsonrpc: version, error: errorObject(err, decoding), id: this.#request.id };
  }
}

/**
 * The error the caller sees: a `KitError` as it is; anything else thrown by the endpoint is
 * `internal` with a generic message (its text goes only to the error handler) unless
 * `exposeErrors`; anything else thrown by the decoder is `invalid_argument` with its message.
 */
function disclosed(thrown: unknown, decoding: boolean, exposeErrors: boolean): KitError {
  if (isKitError(thrown)) return thrown;
  if (decoding) return toKitError(thrown, Code.InvalidArgument);
  return exposeErrors ? toKitError(thrown, Code.Internal) : new KitError(Code.Internal, "internal error");
}
