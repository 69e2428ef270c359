import { Code, isKitError, KitError } from "./error.ts";

/**
 * A key for a value carried by a {@link Context}. Two keys are the same only if they are the
 * same object, so a package's keys never collide with another's.
 */
export interface ContextKey<T> {
  /** A name for debugging. */
  readonly name: string;
  /** Carries the value type; never set at run time. */
  readonly _type?: T;
}

/**
 * Makes a new {@link ContextKey}.
 *
 * @example
 * ```ts
 * const requestId = contextKey<string>("request-id");
 * const ctx = withValue(background(), requestId, "r-1");
 * ctx.value(requestId); // "r-1"
 * ```
 */
export function contextKey<T>(name: string): ContextKey<T> {
  return Object.freeze({ name });
}

/**
 * The immutable, Go-style context passed explicitly to every endpoint: a cancellation
 * signal, an optional deadline and request-scoped values. Derive a new one with
 * {@link withValue}, {@link withCancel}, {@link withTimeout} or {@link withDeadline}.
 */
export interface Context {
  /** Aborted when the context is canceled or its deadline passes; `reason` is a {@link KitError}. */
  readonly signal: AbortSignal;
  /** When the work must be done, in epoch milliseconds; `undefined` for no deadline. */
  readonly deadline: number | undefined;
  /** The value stored under `key` in this context or the nearest ancestor that has one. */
  value<T>(key: ContextKey<T>): T | undefined;
}

/** Cancels a context and every context derived from it. Calling it again does nothing. */
export type CancelFunc = (reason?: KitError) => void;

const never = new AbortController().signal;

const root: Context = Object.freeze({
  signal: never,
  deadline: undefined,
  value: () => undefined,
});

/**
 * The empty root context: never canceled, no deadline, no values. Start every call tree here.
 */
export function background(): Context {
  return root;
}

/**
 * A child of `parent` that carries `value` under `key`; everything else is the parent's.
 */
export function withValue<T>(parent: Context, key: ContextKey<T>, value: T): Context {
  return {
    signal: parent.signal,
    deadline: parent.deadline,
    value: <U>(k: ContextKey<U>): U | undefined => (k === (key as object) ? (value as unknown as U) : parent.value(k)),
  };
}

/**
 * A child of `parent` with its own cancel function. The child is canceled when `cancel` is
 * called or when the parent is; always call `cancel` when the work is done, so the parent
 * lets go of the child.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withCancel(parent);
 * try { await endpoint(ctx, req); } finally { cancel(); }
 * ```
 */
export function withCancel(parent: Context): readonly [Context, CancelFunc] {
  return derive(parent, parent.deadline);
}

/**
 * A child of `parent` that is canceled with `deadline_exceeded` at `deadline` (epoch ms), or
 * earlier if the parent's deadline comes first: a child never extends its parent's deadline.
 */
export function withDeadline(parent: Context, deadline: number): readonly [Context, CancelFunc] {
  const effective = parent.deadline === undefined ? deadline : Math.min(parent.deadline, deadline);
  return derive(parent, effective);
}

/**
 * A child of `parent` that is canceled with `deadline_exceeded` after `ms` milliseconds.
 *
 * @example
 * ```ts
 * const [ctx, cancel] = withTimeout(background(), 2_000);
 * try { return await client(ctx, { a: 1, b: 2 }); } finally { cancel(); }
 * ```
 */
export function withTimeout(parent: Context, ms: number): readonly [Context, CancelFunc] {
  return withDeadline(parent, Date.now() + ms);
}

/**
 * How many milliseconds remain before the context's deadline (never below zero), or
 * `undefined` when it has none. Transports send this to the next hop.
 */
export function timeRemaining(ctx: Context): number | undefined {
  return ctx.deadline === undefined ? undefined : Math.max(0, ctx.deadline - Date.now());
}

function derive(parent: Context, deadline: number | undefined): readonly [Context, CancelFunc] {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onParentAbort = (): void => {
    cancel(isKitError(parent.signal.reason) ? parent.signal.reason : canceled());
  };
  const cancel: CancelFunc = (reason) => {
    if (controller.signal.aborted) return;
    if (timer !== undefined) clearTimeout(timer);
    parent.signal.removeEventListener("abort", onParentAbort);
    controller.abort(reason ?? canceled());
  };
  const ctx: Context = { signal: controller.signal, deadline, value: (key) => parent.value(key) };

  if (parent.signal.aborted) {
    onParentAbort();
    return [ctx, cancel];
  }
  if (parent.signal !== never) parent.signal.addEventListener("abort", onParentAbort, { once: true });
  if (deadline !== undefined && deadline !== parent.deadline) {
    const expire = (): void => {
      cancel(new KitError(Code.DeadlineExceeded, "context deadline exceeded"));
    };
    const ms = deadline - Date.now();
    if (ms <= 0) expire();
    else {
      timer = setTimeout(expire, ms);
      timer.unref();
    }
  }
  return [ctx, cancel];
}

/**
 * The reason of a context canceled without one. Canceling is routine (every finished call
 * cancels its context, as Go's `defer cancel()` does), so the error is made without a stack
 * trace, which would cost more than the rest of the cancel; like Go's `context.Canceled`, it
 * says what happened, not where.
 */
function canceled(): KitError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new KitError(Code.Canceled, "context canceled");
  } finally {
    Error.stackTraceLimit = limit;
  }
}
