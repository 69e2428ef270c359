import { Code, isKitError, KitError, toKitError, untilAborted, type Context } from "@kit/endpoint";
import { errorObject } from "../error-codes.ts";
import type { MethodTable } from "../method.ts";
import { ErrorCode, version, type JsonRpcRequest, type JsonRpcResponse } from "../protocol.ts";

/** What {@link dispatch} needs besides the request. */
export interface Dispatch {
  readonly methods: MethodTable;
  /** Reports an error to the server's error handler. */
  readonly observe: (ctx: Context, err: KitError) => void;
  /** Whether a non-Kit error's own message reaches the caller. */
  readonly exposeErrors: boolean;
}

/**
 * Runs one checked request: finds its method, decodes its params, calls the endpoint, encodes
 * the result. Resolves with the response object, or `undefined` for a notification (which
 * runs all the same, and whose errors go only to the error handler). Never rejects.
 */
export async function dispatch(ctx: Context, request: JsonRpcRequest, options: Dispatch): Promise<JsonRpcResponse | undefined> {
  const id = request.id ?? null;
  const notification = request.id === undefined;
  const codec = Object.hasOwn(options.methods, request.method) ? options.methods[request.method] : undefined;
  if (codec === undefined) {
    const err = new KitError(Code.Unimplemented, `method not found: ${JSON.stringify(request.method.slice(0, 100))}`);
    options.observe(ctx, err);
    if (notification) return undefined;
    return { jsonrpc: version, error: { code: ErrorCode.MethodNotFound, message: err.message }, id };
  }
  const at = { decoding: true }; // an object: the callback below changes it
  try {
    const result = await untilAborted(ctx.signal, async () => {
      const decoded: unknown = await codec.decode(ctx, request.params);
      at.decoding = false;
      const response: unknown = await codec.endpoint(ctx, decoded);
      return codec.encode(ctx, response);
    });
    return notification ? undefined : { jsonrpc: version, result: result ?? null, id };
  } catch (thrown) {
    const err = disclosed(thrown, at.decoding, options.exposeErrors);
    options.observe(ctx, toKitError(thrown, at.decoding ? Code.InvalidArgument : Code.Internal));
    return notification ? undefined : { jsonrpc: version, error: errorObject(err, at.decoding), id };
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
