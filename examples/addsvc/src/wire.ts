// The JSON bodies of Go kit's addsvc HTTP transport, kept free of any transport package so
// every Kit transport that speaks JSON to Go kit peers can share them. See GO-KIT-COMPAT.md.
import { Code, KitError, type Code as ErrorCode } from "@kit/endpoint";
import { failed, type ConcatRequest, type SumRequest } from "./endpoints.ts";

/**
 * A decoded JSON request body as a {@link SumRequest}, the way Go's `encoding/json` fills
 * `struct{ A, B int }`: keys match case-insensitively (a Go client sends `{"A":1,"B":2}`,
 * curl users `{"a":1,"b":2}`), the last matching key wins, other keys are ignored, a missing
 * or `null` field (or a `null` body) stays `0`. A field that is not an integer, or a body that
 * is not an object, is `invalid_argument` with Go's own message (Go kit answers those 500).
 *
 * @param body - the parsed JSON body
 *
 * @example
 * ```ts
 * sumRequestFromJSON({ A: 1, b: 2 }); // { a: 1, b: 2 }
 * sumRequestFromJSON({ a: 1.5 }); // throws "json: cannot unmarshal number 1.5 into Go struct field SumRequest.A of type int"
 * ```
 */
export function sumRequestFromJSON(body: unknown): SumRequest {
  const fields = goFields(body, "SumRequest");
  return { a: goInt(fields, "SumRequest", "A"), b: goInt(fields, "SumRequest", "B") };
}

/**
 * A decoded JSON request body as a {@link ConcatRequest}, with the rules of
 * {@link sumRequestFromJSON} for `struct{ A, B string }`: a missing or `null` field is `""`.
 *
 * @param body - the parsed JSON body
 */
export function concatRequestFromJSON(body: unknown): ConcatRequest {
  const fields = goFields(body, "ConcatRequest");
  return { a: goString(fields, "ConcatRequest", "A"), b: goString(fields, "ConcatRequest", "B") };
}

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

/** The body's keys folded to upper case (Go matches `a` to field `A`), the last one winning. */
function goFields(body: unknown, struct: string): ReadonlyMap<string, unknown> {
  const fields = new Map<string, unknown>();
  if (body !== null) {
    if (typeof body !== "object" || Array.isArray(body)) {
      throw new KitError(Code.InvalidArgument, `json: cannot unmarshal ${jsonKind(body)} into Go value of type addendpoint.${struct}`);
    }
    for (const [key, value] of Object.entries(body)) fields.set(key.toUpperCase(), value);
  }
  return fields;
}

function goInt(fields: ReadonlyMap<string, unknown>, struct: string, name: string): number {
  const value = fields.get(name);
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw typeError(value, struct, name, "int");
}

function goString(fields: ReadonlyMap<string, unknown>, struct: string, name: string): string {
  const value = fields.get(name);
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  throw typeError(value, struct, name, "string");
}

function typeError(value: unknown, struct: string, field: string, type: string): KitError {
  return new KitError(
    Code.InvalidArgument,
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type ${type}`,
  );
}

/** How Go's `UnmarshalTypeError` names a JSON value: `string`, `number 1.5`, `bool`, `array`, `object`. */
function jsonKind(value: unknown): string {
  if (typeof value === "number") return `number ${String(value)}`;
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return "array";
  return typeof value === "string" ? "string" : "object";
}
