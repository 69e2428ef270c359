import type { ServerResponse } from "node:http";
import type { Context, KitError } from "@kit/endpoint";
import { errorStatus } from "./error-status.ts";

/**
 * Writes an error to the response, Go kit's `ErrorEncoder`. The server calls it with the
 * error already turned into a {@link KitError}; the default is {@link encodeError}.
 * {@link errorStatus} gives the status the server means for the error.
 *
 * @example
 * ```ts
 * const plainText: ErrorEncoder = (_ctx, err, res) => {
 *   res.writeHead(errorStatus(err), { "content-type": "text/plain" }).end(err.message);
 * };
 * ```
 */
export type ErrorEncoder = (ctx: Context, err: KitError, res: ServerResponse) => void | Promise<void>;

/**
 * The default {@link ErrorEncoder}: the status {@link errorStatus} gives (the code's,
 * `httpStatusFromCode` from `@kit/transport`; 413 for a body over `maxBodyBytes`, 415 for a
 * body that is not JSON) and a JSON body `{ "code": …, "message": …, "details": … }`
 * (`details` only when the error has some). A Kit client reads it back into a `KitError` with the same code, message
 * and details. Delegate to it from your own encoder to keep that.
 *
 * A string `details.wwwAuthenticate` (set by `@kit/auth`'s refusals) is also sent as the
 * `WWW-Authenticate` header, as RFC 7235 requires of a 401 and Go kit's `Headerer` errors do.
 *
 * @example
 * ```ts
 * const withRequestId: ErrorEncoder = (ctx, err, res) => {
 *   res.setHeader("x-request-id", ctx.value(requestId) ?? "");
 *   encodeError(ctx, err, res);
 * };
 * ```
 */
export function encodeError(_ctx: Context, err: KitError, res: ServerResponse): void {
  const json = errorBody(err);
  res.statusCode = errorStatus(err);
  const challenge = err.details?.wwwAuthenticate;
  if (typeof challenge === "string" && headerValue.test(challenge)) res.setHeader("www-authenticate", challenge);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(json));
  res.end(json);
}

// What a header value may hold (RFC 9110 field-value): no CR, LF or other control.
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;

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
