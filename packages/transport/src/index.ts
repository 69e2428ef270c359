/**
 * The shared core of Kit transports, with no transport of its own: the {@link ErrorHandler}
 * contract and {@link logErrorHandler}, the error-code ↔ HTTP-status tables
 * ({@link httpStatusFromCode}, {@link codeFromHttpStatus}), the JSON {@link Codec}, schema
 * validation with any Standard Schema validator ({@link validate}), and the `kit-timeout`
 * deadline header ({@link writeTimeout}, {@link readTimeout}) on any {@link HeaderCarrier}.
 *
 * @packageDocumentation
 */
export type { HeaderCarrier } from "./carrier.ts";
export { jsonCodec, type Codec } from "./codec.ts";
export { logErrorHandler, type ErrorHandler } from "./error-handler.ts";
export { codeFromHttpStatus, httpStatusFromCode } from "./http-status.ts";
export { validate, type Schema } from "./schema.ts";
export { readTimeout, timeoutHeader, writeTimeout } from "./timeout.ts";
