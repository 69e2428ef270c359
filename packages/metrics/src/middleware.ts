/**
 * Go kit addsvc's per-method logging and instrumenting middleware in one call, {@link observe},
 * which kitgen's generated `withMiddleware` applies to every unary endpoint.
 *
 * @packageDocumentation
 */
export { observe, type Logger, type MiddlewareOptions } from "./observe.ts";
