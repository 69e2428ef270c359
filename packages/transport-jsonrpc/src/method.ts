import type { Context, Endpoint } from "@kit/endpoint";

/**
 * Turns a request's `params` (an array, an object, or `undefined` when absent) into the
 * endpoint's request, Go kit's jsonrpc `DecodeRequestFunc`. Throw `invalid_argument` for
 * params it cannot take: the caller gets Invalid params (`-32602`).
 */
export type DecodeParams<Req> = (ctx: Context, params: unknown) => Req | Promise<Req>;

/**
 * Turns the endpoint's response into the response's `result` (any JSON value), Go kit's
 * jsonrpc `EncodeResponseFunc`.
 */
export type EncodeResult<Res> = (ctx: Context, response: Res) => unknown;

/** One method of a JSON-RPC server, Go kit's `EndpointCodec`: the endpoint and its codecs. */
export interface MethodCodec<Req, Res> {
  /** The endpoint the method calls. */
  readonly endpoint: Endpoint<Req, Res>;
  /** Reads the request from `params`. */
  readonly decode: DecodeParams<Req>;
  /** Writes the response as `result`. */
  readonly encode: EncodeResult<Res>;
}

/**
 * The methods a server answers, by name, Go kit's `EndpointCodecMap`:
 * `{ "add.sum": { endpoint, decode, encode } }`. Each entry keeps its own request and response
 * types; the table only needs them to agree within an entry.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own Req/Res; `any` erases them only here
export type MethodTable = Readonly<Record<string, MethodCodec<any, any>>>;

/**
 * Params as the endpoint's request, unchanged: for methods whose params object is the request.
 *
 * @example
 * ```ts
 * const methods = { "add.sum": { endpoint: sum, decode: paramsAsRequest<SumRequest>(), encode: resultAsIs } };
 * ```
 */
export function paramsAsRequest<Req>(): DecodeParams<Req> {
  return (_ctx, params) => params as Req;
}

/**
 * The endpoint's response as `result`, unchanged.
 *
 * @param _ctx - the request's context
 * @param response - the endpoint's response
 */
export function resultAsIs(_ctx: Context, response: unknown): unknown {
  return response;
}
