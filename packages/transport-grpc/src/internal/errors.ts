import { Metadata, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { Code, isKitError, KitError, toKitError } from "@kit/endpoint";
import { codeFromStatus, statusFromCode } from "../status.ts";

/**
 * What a server answers for a thrown value: a `KitError` as it is; the call context's reason (`ended`)
 * when it was canceled or timed out; an `AbortError`/`TimeoutError` as `canceled` /
 * `deadline_exceeded`; anything else `internal`, whose message (never its stack) stays on the
 * server: the caller reads only "internal error", the error handler sees the original as `cause`.
 */
export function serverError(thrown: unknown, ended: KitError | undefined): KitError {
  if (isKitError(thrown)) return thrown;
  if (ended !== undefined) return ended;
  if (thrown instanceof Error && (thrown.name === "AbortError" || thrown.name === "TimeoutError")) return toKitError(thrown);
  const bug = toKitError(thrown, Code.Internal);
  bugs.add(bug);
  return bug;
}

// Errors made from values that were not KitErrors: their message stays on the server.
const bugs = new WeakSet<KitError>();

/** The status a server sends for an error: its code's status, and its message unless it is a bug. */
export function statusOf(err: KitError, trailer?: Metadata): StatusObject {
  return {
    code: statusFromCode(err.code),
    details: bugs.has(err) ? "internal error" : err.message,
    metadata: trailer ?? new Metadata(),
  };
}

/**
 * The `KitError` a client call fails with: the context's reason when the context ended the
 * call, else the code of the gRPC status with its message, the status metadata kept as `cause`.
 */
export function clientError(thrown: unknown, signal: AbortSignal): KitError {
  if (signal.aborted) return toKitError(signal.reason);
  if (isKitError(thrown)) return thrown;
  if (isServiceError(thrown)) {
    return new KitError(codeFromStatus(thrown.code), thrown.details, { cause: thrown });
  }
  return toKitError(thrown);
}

/** A grpc-js `ServiceError`, or a bare status object. */
function isServiceError(value: unknown): value is Pick<ServiceError, "code" | "details"> {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<ServiceError>).code === "number" &&
    typeof (value as Partial<ServiceError>).details === "string"
  );
}
