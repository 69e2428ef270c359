/**
 * Go kit's logging model for TypeScript: a {@link Logger} whose `log` takes alternating keys
 * and values, contextual loggers made with {@link with}, {@link withPrefix} and
 * {@link withSuffix}, valuers computed at each call ({@link defaultTimestampUTC},
 * {@link defaultCaller}), logfmt and JSON writers, a {@link nop} logger, and Go's duration
 * text for log lines ({@link goDuration}). Levels live in
 * `@kit/log/level` and the pino adapter in `@kit/log/pino`.
 *
 * @packageDocumentation
 */
export { caller, defaultCaller } from "./caller.ts";
export { discards } from "./discards.ts";
export { goDuration } from "./go-duration.ts";
export { jsonLogger } from "./json.ts";
export { logfmtLogger } from "./logfmt.ts";
export type { Logger, Writer } from "./logger.ts";
export { nop } from "./nop.ts";
export { defaultTimestampUTC, timestampUTC } from "./timestamp.ts";
export { valuer, type Valuer } from "./valuer.ts";
export { with, withPrefix, withSuffix } from "./with.ts";
