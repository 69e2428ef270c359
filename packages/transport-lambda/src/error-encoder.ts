import { httpStatusFromCode } from "@kit/transport";
import type { Context, KitError } from "@kit/endpoint";
import type { LambdaResponse } from "./response.ts";

/**
 * Writes an error to the response, Go kit's `ErrorEncoder`. The server calls it with the
 * error as the caller may see it (see `exposeErrors`); the default is {@link encodeError}.
 *
 * @example
 * ```ts
 * const plainText: ErrorEncoder = (_ctx, err, res) => {
 *   res.statusCode = httpStatusFromCode(err.code);
 *   res.headers.set("content-type", "text/plain; charset=utf-8");
 *   res.body = err.message;
 * };
 * ```
 */
export type ErrorEncoder = (ctx: Context, err: KitError, res: LambdaResponse) => void | Promise<void>;

/**
 * The default {@link ErrorEncoder}, the same answer `@kit/transport-http` gives: the status
 * `httpStatusFromCode` (from `@kit/transport`) gives for the code (`invalid_argument` → 400,
 * `not_found` → 404, `internal` → 500, `deadline_exceeded` → 504, …) and a JSON body
 * `{ "code": …, "message": …, "details": … }` (`details` only when the error has some), which a
 * Kit HTTP client reads back into a `KitError` with the same code.
 *
 * @param _ctx - the request's context
 * @param err - the error to write
 * @param res - the response
 *
 * @example
 * ```ts
 * const withRequestId: ErrorEncoder = (ctx, err, res) => {
 *   res.headers.set("x-request-id", ctx.value(requestId) ?? "");
 *   encodeError(ctx, err, res);
 * };
 * ```
 */
export function encodeError(_ctx: Context, err: KitError, res: LambdaResponse): void {
  res.statusCode = httpStatusFromCode(err.code);
  res.headers.set("content-type", "application/json; charset=utf-8");
  res.body = errorBody(err);
}

function errorBody(err: KitError): string {
  if (err.details !== undefined) {
    try {
      return JSON.stringify({ code: err.code, message: err.message, details: err.details });
    } catch {
      // details JSON cannot hold (a bigint, a cycle) are left out rather than failing the answer
    }
  }
  return JSON.stringify({ code: err.code, message: err.message });
}
