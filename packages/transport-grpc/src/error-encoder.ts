import type { Metadata, status as Status } from "@grpc/grpc-js";
import type { Context, KitError } from "@kit/endpoint";
import { statusFromCode } from "./status.ts";

/** The status an {@link ErrorEncoder} ends a failed call with: its gRPC code and its message. */
export interface ErrorStatus {
  /** The gRPC status code, such as `status.NOT_FOUND`. */
  readonly code: Status;
  /** The status message the caller reads (`details` in grpc-js). */
  readonly details: string;
}

/**
 * Turns the error a call failed with into the status the caller receives, the gRPC server's
 * `errorEncoder` (as HTTP's writes an error response). It gets the error as the caller may see
 * it: a `KitError` as it was thrown, anything else already `internal` "internal error" (see
 * `exposeErrors`); the error handler still gets the real one. It may add to the status's
 * `trailer` metadata (say, a request id). What it throws goes to the error handler, and
 * {@link encodeError} answers instead.
 *
 * @example
 * ```ts
 * const withRequestId: ErrorEncoder = (ctx, err, trailer) => {
 *   trailer.set("x-request-id", ctx.value(requestId) ?? "");
 *   return encodeError(ctx, err);
 * };
 * ```
 */
export type ErrorEncoder = (ctx: Context, err: KitError, trailer: Metadata) => ErrorStatus | Promise<ErrorStatus>;

/**
 * The default {@link ErrorEncoder}: the status of the error's code ({@link statusFromCode}) with
 * the error's message, which a Kit client reads back into a `KitError` with the same code and
 * message. Delegate to it from your own encoder to keep that.
 *
 * @param _ctx - the call's context
 * @param err - the error the caller may see
 *
 * @example
 * ```ts
 * encodeError(background(), new KitError(Code.NotFound, "no such order"));
 * // { code: status.NOT_FOUND, details: "no such order" }
 * ```
 */
export function encodeError(_ctx: Context, err: KitError): ErrorStatus {
  return { code: statusFromCode(err.code), details: err.message };
}
