import { Metadata, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { Code, isKitError, KitError, toKitError } from "@kit/endpoint";
import { publicError } from "@kit/transport";
import { codeFromStatus, statusFromCode } from "../status.ts";

/**
 * What a server makes of a thrown value: `error`, for its error handler, and `sent`, for the
 * caller. A `KitError` is both; the call context's reason (`ended`), when it was canceled or
 * timed out, is both; anything else is Kit's one disclosure rule (`publicError` from
 * `@kit/transport`): the caller reads `internal` "internal error" (or, with `expose`, the
 * text), the error handler the error with its real text, the thrown value as its `cause`.
 */
export function serverErrors(thrown: unknown, ended: KitError | undefined, expose: boolean): { error: KitError; sent: KitError } {
  if (isKitError(thrown)) return { error: thrown, sent: thrown };
  if (ended !== undefined) return { error: ended, sent: ended };
  const sent = publicError(thrown, expose);
  return { error: sent.code === Code.Internal ? toKitError(thrown, Code.Internal) : sent, sent };
}

/** The status a server sends for the error it sends. */
export function statusOf(sent: KitError, trailer?: Metadata): StatusObject {
  return { code: statusFromCode(sent.code), details: sent.message, metadata: trailer ?? new Metadata() };
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
