import type { Context, KitError } from "@kit/endpoint";

/**
 * Observes errors a transport could not hand back to a caller as a return value, Go kit's
 * `transport.ErrorHandler`: failed decodes, failed endpoints, failed encodes. It only
 * watches (log, count, trace); the transport still answers the caller, so a handler can never
 * swallow an error. Transports call it with the error already turned into a {@link KitError}
 * (the original thrown value is its `cause`), and ignore anything a handler throws.
 *
 * @example
 * ```ts
 * const countErrors: ErrorHandler = { handle: (_ctx, err) => { errors.inc({ code: err.code }); } };
 * ```
 */
export interface ErrorHandler {
  /**
   * Called once for each error, with the request's context.
   *
   * @param ctx - the request's context, as the `before` hooks left it
   * @param err - the error, as a {@link KitError}
   */
  handle(ctx: Context, err: KitError): void;
}

/**
 * An {@link ErrorHandler} that logs each error as key/value pairs: `err` (the error itself),
 * `code` and `message`. It takes any logger with Go kit's `log(...keyvals)` shape, such as
 * `@kit/log`'s.
 *
 * @param logger - anything with a `log(...keyvals)` method
 *
 * @example
 * ```ts
 * server(sum, decodeJSON(SumRequest), encodeJSON, { errorHandler: logErrorHandler(logger) });
 * // logs: err="can't sum two zeroes" code=invalid_argument
 * ```
 */
export function logErrorHandler(logger: { log(...keyvals: unknown[]): void }): ErrorHandler {
  return {
    handle(_ctx, err) {
      logger.log("err", err, "code", err.code);
    },
  };
}

/**
 * The error handler a Kit server uses when it was given none: it writes one warning line per
 * error to stderr, so that a failure nobody asked to hear about (a missing queue, a broker
 * that refuses every receive, an endpoint that throws) is still seen rather than lost. Give a
 * server an `errorHandler` of your own (such as {@link logErrorHandler}) to log, count or
 * ignore errors instead.
 *
 * @example
 * ```ts
 * defaultErrorHandler.handle(background(), new KitError(Code.NotFound, "queue orders does not exist"));
 * // stderr: kit: not_found: queue orders does not exist (no errorHandler was given; pass one to handle errors)
 * ```
 */
export const defaultErrorHandler: ErrorHandler = {
  handle(_ctx, err) {
    const message = err.message.replace(/[\r\n]+/g, " ");
    process.stderr.write(`kit: ${err.code}: ${message} (no errorHandler was given; pass one to handle errors)\n`);
  },
};

/**
 * Wraps an optional {@link ErrorHandler} into the function a transport calls for each error:
 * it never throws and never leaves a rejected promise behind, whatever the handler does, since
 * a handler only observes. Without a handler it uses {@link defaultErrorHandler} (a warning
 * line on stderr), so that every Kit server and subscriber reports its errors by default.
 *
 * @param handler - the user's error handler, if any
 *
 * @example
 * ```ts
 * const observe = observeErrors(options.errorHandler);
 * try { await endpoint(ctx, req); } catch (err) { observe(ctx, toKitError(err)); throw err; }
 * ```
 */
export function observeErrors(handler: ErrorHandler | undefined): (ctx: Context, err: KitError) => void {
  // Typed as returning unknown: a handler written as an async function returns a promise.
  const chosen = handler ?? defaultErrorHandler;
  const handle: (ctx: Context, err: KitError) => unknown = chosen.handle.bind(chosen);
  return (ctx, err) => {
    try {
      const result = handle(ctx, err);
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // an error handler only observes; its own failure changes nothing
    }
  };
}
