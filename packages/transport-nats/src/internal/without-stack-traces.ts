/**
 * Runs `start` with stack traces off (`Error.stackTraceLimit` 0), for the synchronous part of a
 * NATS request only.
 *
 * nats.js makes two errors for every request before sending it (a `RequestError` and a
 * `TimeoutError`, its "async traces"), so that a request that fails later has the stack of the
 * call that made it; capturing them cost about a third of a request's CPU on this project's
 * benchmark machine, and more the deeper the caller's stack. A Kit publisher reports a failed
 * request as a `KitError` whose code and message say what happened (`deadline_exceeded`,
 * `unavailable`, the subject), as Go kit's NATS transport does, so it does not pay for them:
 * the same as the connection option `noAsyncTraces`, for Kit's requests alone.
 */
export function withoutStackTraces<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
