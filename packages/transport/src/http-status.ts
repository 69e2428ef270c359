import { Code } from "@kit/endpoint";

const statusByCode: Readonly<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

const codeByStatus: ReadonlyMap<number, Code> = new Map<number, Code>([
  [400, Code.InvalidArgument],
  [401, Code.Unauthenticated],
  [403, Code.PermissionDenied],
  [404, Code.NotFound],
  [405, Code.Unimplemented],
  [408, Code.DeadlineExceeded],
  [409, Code.Aborted],
  [412, Code.FailedPrecondition],
  [413, Code.ResourceExhausted],
  [415, Code.InvalidArgument],
  [416, Code.OutOfRange],
  [422, Code.InvalidArgument],
  [429, Code.ResourceExhausted],
  [499, Code.Canceled],
  [500, Code.Internal],
  [501, Code.Unimplemented],
  [502, Code.Unavailable],
  [503, Code.Unavailable],
  [504, Code.Unavailable],
]);

/**
 * The HTTP status for an error code: the canonical mapping of `google.rpc.Code`, which
 * Connect and gRPC-gateway also use (`invalid_argument`, `failed_precondition` and
 * `out_of_range` → 400, `unauthenticated` → 401, `permission_denied` → 403, `not_found` → 404,
 * `already_exists` and `aborted` → 409, `resource_exhausted` → 429, `canceled` → 499,
 * `unknown`, `internal` and `data_loss` → 500, `unimplemented` → 501, `unavailable` → 503,
 * `deadline_exceeded` → 504).
 *
 * @example
 * ```ts
 * httpStatusFromCode(Code.NotFound); // 404
 * ```
 */
export function httpStatusFromCode(code: Code): number {
  return statusByCode[code];
}

/**
 * The error code for an HTTP error status, for responses that carry no Kit error body (a
 * proxy, a non-Kit server). Kit clients read the code from a Kit server's body instead, so
 * this table only has to be right for foreign peers: 400, 415 and 422 → `invalid_argument`,
 * 401 → `unauthenticated`, 403 → `permission_denied`, 404 → `not_found`, 405 and 501 →
 * `unimplemented`, 408 → `deadline_exceeded`, 409 → `aborted`, 412 → `failed_precondition`,
 * 413 and 429 → `resource_exhausted`, 416 → `out_of_range`, 499 → `canceled`, 500 →
 * `internal`, 502, 503 and 504 → `unavailable` (as gRPC maps them: a gateway's timeout is not
 * the caller's deadline); any other status → `unknown`.
 *
 * @example
 * ```ts
 * codeFromHttpStatus(503); // "unavailable"
 * ```
 */
export function codeFromHttpStatus(status: number): Code {
  return codeByStatus.get(status) ?? Code.Unknown;
}
