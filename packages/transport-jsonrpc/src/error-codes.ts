import { Code, isCode, KitError } from "@kit/endpoint";
import { ErrorCode, type JsonRpcError } from "./protocol.ts";

/**
 * Kit's codes in JSON-RPC's range for implementation-defined server errors (`-32000` to
 * `-32099`): `-32000` minus the code's gRPC number, so `not_found` (gRPC 5) is `-32005`. Two
 * codes have a place in the spec itself: `internal` is `-32603`, and a request the decoder
 * refuses (`invalid_argument` from `decode`) is `-32602`.
 */
const serverCodes: Readonly<Record<Code, number>> = {
  canceled: -32001,
  unknown: -32002,
  invalid_argument: -32003,
  deadline_exceeded: -32004,
  not_found: -32005,
  already_exists: -32006,
  permission_denied: -32007,
  resource_exhausted: -32008,
  failed_precondition: -32009,
  aborted: -32010,
  out_of_range: -32011,
  unimplemented: -32012,
  internal: ErrorCode.InternalError,
  unavailable: -32014,
  data_loss: -32015,
  unauthenticated: -32016,
};

/**
 * The JSON-RPC error object for a {@link KitError}: its code mapped as above, its message, and
 * `data: { code, details? }` so a Kit client gets the very code back.
 *
 * @param err - the error
 * @param decoding - whether the decoder threw it (then `invalid_argument` is `-32602`)
 *
 * @example
 * ```ts
 * errorObject(new KitError(Code.NotFound, "no such user"), false);
 * // { code: -32005, message: "no such user", data: { code: "not_found" } }
 * ```
 */
export function errorObject(err: KitError, decoding: boolean): JsonRpcError {
  const code = decoding && err.code === Code.InvalidArgument ? ErrorCode.InvalidParams : serverCodes[err.code];
  const data = err.details === undefined ? { code: err.code } : { code: err.code, details: err.details };
  return { code, message: err.message, data };
}

/**
 * The {@link KitError} for a JSON-RPC error object a server sent: the Kit code in `data.code`
 * when there is one (a Kit server), else the spec's meaning (`-32601` → `unimplemented`,
 * `-32600`/`-32602`/`-32700` → `invalid_argument`, `-32603` → `internal`, anything else
 * `unknown`).
 *
 * @param error - the response's `error` member
 *
 * @example
 * ```ts
 * kitErrorFrom({ code: -32601, message: "method not found" }).code; // "unimplemented"
 * ```
 */
export function kitErrorFrom(error: JsonRpcError): KitError {
  const data = error.data as { code?: unknown; details?: unknown } | null | undefined;
  const named = typeof data === "object" && data !== null && isCode(data.code) ? data.code : undefined;
  const details = named === undefined ? undefined : data?.details;
  const options = typeof details === "object" && details !== null ? { details: details as Record<string, unknown> } : {};
  return new KitError(named ?? specCode(error.code), typeof error.message === "string" ? error.message : "", options);
}

function specCode(code: number): Code {
  switch (code) {
    case ErrorCode.MethodNotFound:
      return Code.Unimplemented;
    case ErrorCode.InvalidRequest:
    case ErrorCode.InvalidParams:
    case ErrorCode.ParseError:
      return Code.InvalidArgument;
    case ErrorCode.InternalError:
      return Code.Internal;
    default:
      return Code.Unknown;
  }
}
