/**
 * A structured logger: Go kit's `log.Logger`.
 *
 * `log` takes alternating keys and values (`"msg", "hello", "user", id`). An odd count gives
 * the last key the value `(MISSING)`. `log` never throws, and a record that cannot be written
 * is dropped, as most Go kit callers do with `_ = logger.Log(...)`. Any object with a `log`
 * method is a `Logger`, so you can wrap or replace every logger in this package.
 *
 * @example
 * ```ts
 * const logger: Logger = logfmtLogger(process.stdout);
 * logger.log("msg", "listening", "port", 8080); // msg=listening port=8080
 * ```
 */
export interface Logger {
  /** Writes one record made of alternating keys and values. */
  log(...keyvals: unknown[]): void;
}

/**
 * Where the logfmt and JSON loggers write their lines: a Node `Writable`, `process.stdout`,
 * a pino/SonicBoom destination, or any object with a `write(string)` method.
 *
 * Each record is one `write` call holding one line ending in `\n`. A `write` that throws
 * drops the record, and one that returns a rejected promise is ignored. A Node stream
 * reports its own failures through its `error` event, which is the stream owner's to handle.
 */
export interface Writer {
  /** Writes one chunk of text; the return value is ignored. */
  write(chunk: string): unknown;
}
