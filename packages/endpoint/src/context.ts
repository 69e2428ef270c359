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

/**
 * Cancels a context and every context derived from it, with `reason` (a `canceled` KitError
 * without one). Calling it again does nothing. Canceled after its deadline passed or its
 * parent ended, a context keeps the reason it ended with; except that a reason given to a
 * context whose signal nobody has read yet is taken as it is (the clock is not read for it).
 */
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
  return new ValueContext(parent, key, value);
}

/** What {@link withValue} makes: the parent's signal and deadline, read through, plus one value. */
class ValueContext<V> implements Context {
  readonly #parent: Context;
  readonly #key: ContextKey<V>;
  readonly #value: V;

  constructor(parent: Context, key: ContextKey<V>, value: V) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  get deadline(): number | undefined {
    return this.#parent.deadline;
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return key === (this.#key as object) ? (this.#value as unknown as T) : this.#parent.value(key);
  }
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

/**
 * A context that keeps `parent`'s values (a request id, the trace) but not its deadline or
 * cancellation, Go's `context.WithoutCancel`: its signal never aborts and it has no deadline,
 * whatever happens to `parent`. Use it for work that must outlive the request that started it
 * (publishing an event about the request, writing an audit record, filling a cache), and give
 * that work a budget of its own with {@link withTimeout}, so it still ends.
 *
 * @example
 * ```ts
 * // the result event keeps the request's trace, but not its deadline: a slow consumer
 * // of events is not held to the caller's 2 s budget
 * const [eventCtx, cancel] = withTimeout(withoutCancel(ctx), 30_000);
 * try { await publishResult(eventCtx, result); } finally { cancel(); }
 * ```
 */
export function withoutCancel(parent: Context): Context {
  return new DetachedContext(parent);
}

/** What {@link withoutCancel} makes: the parent's values, read through, and nothing else. */
class DetachedContext implements Context {
  readonly #parent: Context;

  constructor(parent: Context) {
    this.#parent = parent;
  }

  get signal(): AbortSignal {
    return never;
  }

  get deadline(): undefined {
    return undefined;
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return this.#parent.value(key);
  }
}

function derive(parent: Context, deadline: number | undefined): readonly [Context, CancelFunc] {
  const ctx = new DerivedContext(parent, deadline);
  return [ctx, (reason) => {
    DerivedContext.cancel(ctx, reason);
  }];
}

/** What a derived context holds once its signal was read: the signal's controller and its ties. */
interface Link {
  readonly controller: AbortController;
  /** The deadline's timer, if the context has a deadline of its own. */
  timer: NodeJS.Timeout | undefined;
  /** The listener on the parent's signal, if the parent can end. */
  onParentAbort: (() => void) | undefined;
}

/**
 * What {@link withCancel}, {@link withDeadline} and {@link withTimeout} make. Its signal is
 * made when it is first read: a context whose signal nobody reads (a call that finishes
 * before anyone needs to cancel it, the usual case) costs no `AbortController`, no listener on
 * its parent and no deadline timer. Read it, and it is what it would have been all along:
 * aborted if the context was canceled, the parent is, or the deadline has passed, and from then
 * on aborted when any of those happens.
 */
class DerivedContext implements Context {
  readonly deadline: number | undefined;
  readonly #parent: Context;
  /** Why it was canceled, once it was; `undefined` while it runs. */
  #reason: KitError | undefined = undefined;
  /** The signal and its ties, once the signal was read. */
  #link: Link | undefined = undefined;

  constructor(parent: Context, deadline: number | undefined) {
    this.#parent = parent;
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    return this.#link?.controller.signal ?? this.#makeSignal();
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return this.#parent.value(key);
  }

  /** Cancels `ctx` with `reason` (`canceled` without one); only the first call counts. */
  static cancel(ctx: DerivedContext, reason: KitError | undefined): void {
    if (ctx.#reason !== undefined) return;
    const link = ctx.#link;
    if (link === undefined) {
      // Nobody has the signal yet: nothing to abort, nothing to unlink. Canceled without a
      // reason, a context that had already ended (its deadline passed, its parent ended) keeps
      // the reason it ended with. A reason given is recorded as it is, without reading the
      // clock: nobody saw the context end before, and transports cancel every finished call
      // with a reason, where a clock reading would cost more than the rest of the cancel.
      ctx.#reason = reason ?? DerivedContext.#ended(ctx) ?? canceled();
      return;
    }
    ctx.#reason = reason ?? canceled();
    clearTimeout(link.timer);
    if (link.onParentAbort !== undefined) ctx.#parent.signal.removeEventListener("abort", link.onParentAbort);
    link.controller.abort(ctx.#reason);
  }

  /**
   * Why `ctx` has ended by now without anyone canceling it (its deadline passed, or its parent
   * ended), or `undefined` if it has not; an unread context is asked without making its signal.
   */
  static #ended(ctx: Context): KitError | undefined {
    if (ctx.deadline !== undefined && ctx.deadline <= Date.now()) return exceeded();
    if (ctx instanceof DerivedContext && ctx.#link === undefined) return ctx.#reason ?? DerivedContext.#ended(ctx.#parent);
    const { signal } = ctx;
    if (!signal.aborted) return undefined;
    return isKitError(signal.reason) ? signal.reason : canceled();
  }

  /** Makes the signal, in the state the context is in now, and ties it to the parent and the deadline. */
  #makeSignal(): AbortSignal {
    const link: Link = { controller: new AbortController(), timer: undefined, onParentAbort: undefined };
    this.#link = link;
    const { signal } = link.controller;
    if (this.#reason !== undefined) {
      link.controller.abort(this.#reason);
      return signal;
    }
    const parentSignal = this.#parent.signal;
    const onParentAbort = (): void => {
      DerivedContext.cancel(this, isKitError(parentSignal.reason) ? parentSignal.reason : canceled());
    };
    if (parentSignal.aborted) {
      onParentAbort();
      return signal;
    }
    if (parentSignal !== never) {
      link.onParentAbort = onParentAbort;
      parentSignal.addEventListener("abort", onParentAbort, { once: true });
    }
    this.#watchDeadline(link);
    return signal;
  }

  /** Aborts at the deadline, when the context has one of its own (not just its parent's). */
  #watchDeadline(link: Link): void {
    const { deadline } = this;
    if (deadline === undefined || deadline === this.#parent.deadline) return;
    const expire = (): void => {
      DerivedContext.cancel(this, exceeded());
    };
    const ms = deadline - Date.now();
    if (ms <= 0) {
      expire();
      return;
    }
    link.timer = setTimeout(expire, ms);
    link.timer.unref();
  }
}

/** The reason of a context whose deadline passed. */
function exceeded(): KitError {
  return new KitError(Code.DeadlineExceeded, "context deadline exceeded");
}

/**
 * The reason of a context canceled without one: one shared error, like Go's
 * `context.Canceled`. Canceling is routine (every finished call cancels its context, as Go's
 * `defer cancel()` does), so making an error with a stack trace for each would cost more than
 * the rest of the cancel; the shared one says what happened, not where. Frozen, so that no
 * holder can change it for the others; its stack is set to its first line.
 */
const contextCanceled: KitError = Object.freeze(
  Object.defineProperty(new KitError(Code.Canceled, "context canceled"), "stack", { value: "KitError: context canceled" }),
);

function canceled(): KitError {
  return contextCanceled;
}
