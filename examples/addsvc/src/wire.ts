// The JSON bodies of Go kit's addsvc HTTP transport that kitgen does not write (its requests are
// kitgen's `@goJSON`), kept free of any transport package so every Kit transport that speaks
// JSON to Go kit peers can share them. See GO-KIT-COMPAT.md.
import type { Code as ErrorCode, KitError } from "@kit/endpoint";
import { failed } from "./endpoints.ts";

/**
 * The JSON body of a successful response, `{"v": …}` as Go kit writes it; throws the business
 * error the response carries instead, for the transport's error encoder to answer (Go kit's
 * `encodeHTTPGenericResponse` checks `Failed()` first the same way).
 *
 * @param response - a `SumResponse` or `ConcatResponse`
 *
 * @example
 * ```ts
 * responseToJSON({ v: 3 }); // { v: 3 }
 * ```
 */
export function responseToJSON<V>(response: { readonly v: V; readonly err?: KitError }): { v: V } {
  const err = failed(response);
  if (err !== undefined) throw err;
  return { v: response.v };
}

/** The JSON body of an error response: see {@link errorToJSON}. */
export interface ErrorBody {
  /** The message, under Go kit's `errorWrapper` key, which Go kit's `errorDecoder` reads. */
  readonly error: string;
  /** The Kit error code, which a Kit client reads. */
  readonly code: ErrorCode;
  /** The message again, under the key a Kit client reads. */
  readonly message: string;
}

/**
 * The JSON body of an error response, readable by both kinds of client: Go kit's
 * `{"error": message}` plus Kit's `code` and `message` (Go's decoder ignores keys it does not
 * know). The status is the transport's `httpStatusFromCode(err.code)`: 400 for all three of
 * Go kit's business errors, as Go kit's `err2code` answers.
 *
 * @param err - the error to send
 *
 * @example
 * ```ts
 * errorToJSON(new KitError(Code.InvalidArgument, "can't sum two zeroes"));
 * // { error: "can't sum two zeroes", code: "invalid_argument", message: "can't sum two zeroes" }
 * ```
 */
export function errorToJSON(err: KitError): ErrorBody {
  return { error: err.message, code: err.code, message: err.message };
}
