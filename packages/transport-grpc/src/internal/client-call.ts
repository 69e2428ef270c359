import { Metadata, status as Status, type CallOptions, type StatusObject } from "@grpc/grpc-js";
import { background, toKitError, type Context, type KitError } from "@kit/endpoint";
import { Deadlines } from "@kit/transport/driver";
import type { ClientOptions, ClientOutcome } from "../client.ts";

const never = background().signal;

/** Every client call with a wait bound of its own (no deadline in its context), on one timer. */
const bounded = new Deadlines<CallWatch>((watch) => {
  watch.expire();
});

/** Which events of a call a {@link CallWatch} follows: the response header, the status. */
export interface Follow {
  readonly header: boolean;
  readonly status: boolean;
}

const followAll: Follow = { header: true, status: true };

/** The status of a call that succeeded, for a watch that does not follow the status event. */
export const okStatus: StatusObject = { code: Status.OK, details: "OK", metadata: new Metadata() };

/** The events of a grpc-js client call that the client functions listen to. */
interface ClientCallEvents {
  on(event: "metadata", listener: (header: Metadata) => void): unknown;
  on(event: "status", listener: (status: StatusObject) => void): unknown;
  cancel(): void;
}

/**
 * Follows one client call: keeps its response header (unless told not to), settles `ended` with
 * its status (on the status event, or {@link CallWatch.end} when it does not follow it), and
 * cancels it when `signal` aborts (until {@link CallWatch.dispose}) or, given `expires`, when
 * that time (epoch ms) passes first ({@link CallWatch.timedOut}).
 */
export class CallWatch {
  header: Metadata | undefined;
  status: StatusObject | undefined;
  /** Whether the `after` hooks ran for this call (see {@link afterFailure}). */
  afterRan = false;
  /** Whether the call was canceled because its wait bound (`expires`) passed. */
  timedOut = false;
  /** When the call's wait bound ends (epoch ms); `Infinity` when it has none. */
  readonly expires: number;
  private readonly call: ClientCallEvents;
  private readonly signal: AbortSignal;
  /** Cancels the call when `signal` aborts; none for background()'s signal, which never does. */
  private readonly onAbort: (() => void) | undefined;
  /** The promise {@link CallWatch.ended} made, and what settles it: only for a caller that waits on it. */
  private endedPromise: Promise<StatusObject> | undefined;
  private settle: ((status: StatusObject) => void) | undefined;

  constructor(call: ClientCallEvents, signal: AbortSignal, follow: Follow = followAll, expires: number = Number.POSITIVE_INFINITY) {
    this.call = call;
    this.signal = signal;
    this.expires = expires;
    if (expires !== Number.POSITIVE_INFINITY) bounded.add(this);
    // background()'s signal never aborts: listening to it would only cost time.
    if (signal !== never) {
      this.onAbort = () => {
        call.cancel();
      };
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    if (follow.header) {
      call.on("metadata", (header) => {
        this.header = header;
      });
    }
    if (follow.status) {
      call.on("status", (status) => {
        this.end(status);
      });
    }
  }

  /**
   * Records the call's status and stops watching it: on grpc-js' status event, or, for a
   * watch that does not follow it, when the caller learned the status itself.
   */
  end(status: StatusObject): void {
    this.status = status;
    this.dispose();
    this.settle?.(status);
  }

  /**
   * Settles with the call's status once it has one. Made on first use: a unary call learns of
   * its end from grpc-js' callback, which runs just before the status event, and needs no
   * promise of its own for it.
   */
  get ended(): Promise<StatusObject> {
    if (this.endedPromise !== undefined) return this.endedPromise;
    const status = this.status;
    this.endedPromise =
      status !== undefined
        ? Promise.resolve(status)
        : new Promise((resolve) => {
            this.settle = resolve;
          });
    return this.endedPromise;
  }

  /** Cancels the call: its wait bound has passed. */
  expire(): void {
    this.timedOut = true;
    this.call.cancel();
  }

  dispose(): void {
    if (this.onAbort !== undefined) this.signal.removeEventListener("abort", this.onAbort);
    if (this.expires !== Number.POSITIVE_INFINITY) bounded.delete(this);
  }
}

/** Whether `signal` has aborted, read afresh (after an await, where a narrowed `signal.aborted` would be stale). */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** The grpc-js call options for a context: the caller's own, plus the context's deadline. */
export function callOptions(ctx: Context, options: ClientOptions): CallOptions {
  const base = options.callOptions ?? {};
  return ctx.deadline === undefined ? base : { ...base, deadline: ctx.deadline };
}

/** Runs the `before` hooks on the outgoing metadata. */
export async function runBefore(ctx: Context, options: ClientOptions, metadata: Metadata): Promise<Context> {
  let current = ctx;
  for (const hook of options.before ?? []) current = await hook(current, metadata);
  return current;
}

/** Runs the `after` hooks on the response header and trailer. */
export async function runAfter(ctx: Context, options: ClientOptions, header: Metadata, trailer: Metadata): Promise<Context> {
  let current = ctx;
  for (const hook of options.after ?? []) current = await hook(current, header, trailer);
  return current;
}

/**
 * Runs the `after` hooks for a call that failed after it got its status (an error status, or a
 * failure while decoding), unless they ran already or the caller's context ended the call:
 * `after` sees every response, errors too. Returns the context, and the error the call fails
 * with: `error`, or what a hook threw.
 */
export async function afterFailure(ctx: Context, options: ClientOptions, watch: CallWatch | undefined, error: KitError): Promise<{ ctx: Context; error: KitError }> {
  const status = watch?.status;
  if (status === undefined || watch === undefined || watch.afterRan || ctx.signal.aborted || (options.after?.length ?? 0) === 0) return { ctx, error };
  watch.afterRan = true;
  try {
    return { ctx: await runAfter(ctx, options, watch.header ?? new Metadata(), status.metadata), error };
  } catch (thrown) {
    return { ctx, error: toKitError(thrown) };
  }
}

/** Runs the finalizers; what they throw is ignored, since they only observe. */
export async function runFinalizers(ctx: Context, options: ClientOptions, outcome: ClientOutcome): Promise<void> {
  for (const hook of options.finalizer ?? []) {
    try {
      await hook(ctx, outcome);
    } catch {
      // a finalizer only observes; its failure must not change the call's result
    }
  }
}

/** Shorthand for the outcome passed to the finalizers. */
export function outcomeOf(method: string, watch: CallWatch | undefined, error: KitError | undefined): ClientOutcome {
  return { method, status: watch?.status?.code, error };
}
