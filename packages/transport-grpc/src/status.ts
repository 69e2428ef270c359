import { status as Status } from "@grpc/grpc-js";
import { Code } from "@kit/endpoint";

const statusByCode: Readonly<Record<Code, Status>> = {
  [Code.Canceled]: Status.CANCELLED,
  [Code.Unknown]: Status.UNKNOWN,
  [Code.InvalidArgument]: Status.INVALID_ARGUMENT,
  [Code.DeadlineExceeded]: Status.DEADLINE_EXCEEDED,
  [Code.NotFound]: Status.NOT_FOUND,
  [Code.AlreadyExists]: Status.ALREADY_EXISTS,
  [Code.PermissionDenied]: Status.PERMISSION_DENIED,
  [Code.ResourceExhausted]: Status.RESOURCE_EXHAUSTED,
  [Code.FailedPrecondition]: Status.FAILED_PRECONDITION,
  [Code.Aborted]: Status.ABORTED,
  [Code.OutOfRange]: Status.OUT_OF_RANGE,
  [Code.Unimplemented]: Status.UNIMPLEMENTED,
  [Code.Internal]: Status.INTERNAL,
  [Code.Unavailable]: Status.UNAVAILABLE,
  [Code.DataLoss]: Status.DATA_LOSS,
  [Code.Unauthenticated]: Status.UNAUTHENTICATED,
};

const codeByStatus: ReadonlyMap<number, Code> = new Map(
  Object.entries(statusByCode).map(([code, status]) => [status, code as Code]),
);

/**
 * The gRPC status for an error code. Kit's codes are gRPC's canonical codes, so this is a
 * one-to-one table: `not_found` → `NOT_FOUND` (5), `deadline_exceeded` → `DEADLINE_EXCEEDED` (4).
 *
 * @param code - a Kit error code
 * @returns the gRPC status number, a member of grpc-js' `status`
 *
 * @example
 * ```ts
 * statusFromCode(Code.NotFound); // 5, grpc.status.NOT_FOUND
 * ```
 */
export function statusFromCode(code: Code): Status {
  return statusByCode[code];
}

/**
 * The error code for a gRPC status, the inverse of {@link statusFromCode}. `OK` and numbers
 * outside the canonical set have no error code and give `unknown`.
 *
 * @param status - a gRPC status number
 *
 * @example
 * ```ts
 * codeFromStatus(grpc.status.UNAVAILABLE); // "unavailable"
 * ```
 */
export function codeFromStatus(status: number): Code {
  return codeByStatus.get(status) ?? Code.Unknown;
}
