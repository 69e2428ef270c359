import { Code, isKitError, KitError, type Context } from "@kit/endpoint";
import { validate, type Schema } from "@kit/transport";
import type { DecodeResult } from "./client.ts";
import type { DecodeParams } from "./method.ts";

/**
 * A server's params decoder checked by a {@link Schema}: params by name (an object) are the
 * request as they are, params by position (an array) are named by `argNames` in order, and no
 * params are `{}`; the request is then checked by `schema`. More params by position than
 * `argNames`, or a request the schema refuses, is `invalid_argument` naming the field, which the
 * server answers -32602 Invalid params.
 *
 * @param schema - any Standard Schema validator of the request
 * @param argNames - the request's fields, in the order params by position give them
 *
 * @example
 * ```ts
 * const methods = { "add.sum": { endpoint: sum, decode: checkedParams(SumRequest, ["a", "b"]), encode: resultAsIs } };
 * // {"a":1,"b":2} and [1,2] both call sum with { a: 1, b: 2 }
 * ```
 */
export function checkedParams<Req>(schema: Schema<Req>, argNames: readonly string[]): DecodeParams<Req> {
  return (_ctx, params) => validate(schema, paramsByName(params, argNames));
}

/** A call's params as an object of fields: by name as they are, by position named by `argNames`, none as `{}`. */
function paramsByName(params: unknown, argNames: readonly string[]): unknown {
  if (params === undefined) return {};
  if (!Array.isArray(params)) return params;
  const values = params as unknown[];
  if (values.length > argNames.length) {
    const want = argNames.length === 0 ? "no params" : `at most ${argNames.length} params (${argNames.join(", ")})`;
    throw new KitError(Code.InvalidArgument, `expected ${want}, got ${values.length}`);
  }
  return Object.fromEntries(values.map((value, i) => [argNames[i], value]));
}

/**
 * A client's result decoder checked by a {@link Schema}. A result the schema refuses is
 * `internal`, not `invalid_argument`: the server answered wrongly, the caller did nothing wrong.
 * Its message names the method and the field (`invalid result of add.sum: v: Invalid input`),
 * and it keeps the schema's issues in `details` and the refusal as its `cause`.
 *
 * @param schema - any Standard Schema validator of the result
 * @param method - the JSON-RPC method, for the error's message
 *
 * @example
 * ```ts
 * const sumMethod = { name: "add.sum", encode: requestAsParams, decode: checkedResult(SumResponse, "add.sum") };
 * ```
 */
export function checkedResult<Res>(schema: Schema<Res>, method: string): DecodeResult<Res> {
  return async (_ctx, result) => {
    try {
      return await validate(schema, result);
    } catch (err) {
      if (!isKitError(err) || err.code !== Code.InvalidArgument) throw err;
      throw new KitError(Code.Internal, `invalid result of ${method}: ${err.message}`, { ...(err.details === undefined ? {} : { details: err.details }), cause: err });
    }
  };
}

/**
 * A client's params encoder that sends the request object as the params, by name.
 *
 * @param _ctx - the call's context
 * @param request - the endpoint's request
 */
export function requestAsParams(_ctx: Context, request: unknown): unknown {
  return request;
}
