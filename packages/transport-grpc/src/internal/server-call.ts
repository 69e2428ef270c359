import { Metadata, status as Status, type Deadline } from "@grpc/grpc-js";
import { background, Code, KitError, withDeadline, type CancelFunc, type Context } from "@kit/endpoint";
import type { ServerOptions, ServerOutcome } from "../server.ts";
import { serverError, statusOf } from "./errors.ts";

/** A grpc-js server call, any kind: metadata, deadline, and the `cancelled` event. */
interface AnyServerCall {
  readonly metadata: Metadata;
  getDeadline(): Deadline;
  getPath(): string;
  once(event: "cancelled", listener: () => void): unknown;
}

// The reason the context is canceled with once the call is over: one shared error, so ending
// a call costs no stack capture.
const callEnded = new KitError(Code.Canceled, "the call has ended");

/** How close to the deadline a cancel counts as the deadline passing (see the constructor). */
const deadlineSlackMs = 50;

/**
 * One call on the server: its context, the hooks around it, and how it ended.
 *
 * Without a deadline, the context's `AbortController` is made only if someone reads
 * `ctx.signal`: a unary endpoint that never looks at it costs no controller and no abort event.
 */
export class ServerCall {
  ctx: Context;
  private headerMetadata: Metadata | undefined;
  private trailerMetadata: Metadata | undefined;
  private readonly options: ServerOptions;
  private readonly observe: (ctx: Context, err: KitError) => void;
  private readonly call: AnyServerCall;
  /** Why the call's context ended, once it has. */
  private reason: KitError | undefined;
  /** Rejects the work {@link ServerCall.race} waits for. */
  private abortWork: ((reason: KitError) => void) | undefined;
  /** The lazily made controller of a context without deadline. */
  private controller: AbortController | undefined;
  /** The cancel function of a context with a deadline. */
  private readonly cancelTimed: CancelFunc | undefined;

  constructor(call: AnyServerCall, options: ServerOptions, observe: (ctx: Context, err: KitError) => void) {
    this.call = call;
    this.options = options;
    this.observe = observe;
    const deadline = call.getDeadline();
    const time = deadline instanceof Date ? deadline.getTime() : deadline;
    if (Number.isFinite(time)) {
      const [ctx, cancel] = withDeadline(background(), time);
      this.ctx = ctx;
      this.cancelTimed = cancel;
      const onAbort = (): void => {
        this.end(ctx.signal.reason as KitError);
      };
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener("abort", onAbort, { once: true });
    } else {
      const signal = (): AbortSignal => this.lazySignal();
      this.ctx = {
        get signal() {
          return signal();
        },
        deadline: undefined,
        value: () => undefined,
      };
    }
    call.once("cancelled", () => {
      if (this.reason !== undefined) return; // over already: grpc-js reports the stream's close after every call
      // At the deadline the call ends on both sides at about the same moment: grpc-js' own
      // timer, or the client's cancel when its deadline passes (a little sooner, by the transit
      // time). Either way the call ran out of time.
      const late = Number.isFinite(time) && Date.now() >= time - deadlineSlackMs;
      this.end(late ? new KitError(Code.DeadlineExceeded, "context deadline exceeded") : new KitError(Code.Canceled, "the client canceled the call"));
    });
  }

  /** The signal of the call's own context (aborted on cancel, deadline, or the call's end). */
  get signal(): AbortSignal {
    return this.cancelTimed === undefined ? this.lazySignal() : this.ctx.signal;
  }

  /**
   * Runs `work`, but settles as soon as the call is canceled or its deadline passes, rejecting
   * with the reason (what `untilAborted` does, without listening to the signal).
   */
  race<T>(work: () => Promise<T>): Promise<T> {
    if (this.reason !== undefined) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      this.abortWork = reject;
      work().then(resolve, reject);
    });
  }

  /** Ends the call's context with `reason` (the first reason wins). */
  private end(reason: KitError): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    if (this.cancelTimed !== undefined) this.cancelTimed(reason);
    else this.controller?.abort(reason);
    this.abortWork?.(reason);
  }

  private lazySignal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** The response header the `after` hooks fill. */
  get header(): Metadata {
    return (this.headerMetadata ??= new Metadata());
  }

  /** The response trailer the `after` hooks fill. */
  get trailer(): Metadata {
    return (this.trailerMetadata ??= new Metadata());
  }

  /** Runs the `before` hooks on the request metadata. */
  async before(): Promise<void> {
    for (const hook of this.options.before ?? []) this.ctx = await hook(this.ctx, this.call.metadata);
  }

  /** Runs the `after` hooks, which fill the response header and trailer. */
  async after(): Promise<void> {
    for (const hook of this.options.after ?? []) this.ctx = await hook(this.ctx, this.header, this.trailer);
  }

  /** Whether the `after` hooks put anything in the header. */
  hasHeader(): boolean {
    return this.headerMetadata !== undefined && Object.keys(this.headerMetadata.getMap()).length > 0;
  }

  /** The trailer to send: the one the `after` hooks filled, if any. */
  trailerToSend(): Metadata | undefined {
    return this.trailerMetadata;
  }

  /** Turns a thrown value into the error and status to answer with, and reports it. */
  fail(thrown: unknown): { error: KitError; status: ReturnType<typeof statusOf> } {
    const error = serverError(thrown, this.reason);
    this.observe(this.ctx, error);
    return { error, status: statusOf(error) };
  }

  /** Runs the finalizers and releases the context. */
  async finish(error: KitError | undefined, status: Status = Status.OK): Promise<void> {
    if (this.options.finalizer === undefined || this.options.finalizer.length === 0) {
      this.end(callEnded);
      return;
    }
    const outcome: ServerOutcome = { method: this.call.getPath(), status, error };
    try {
      for (const hook of this.options.finalizer ?? []) {
        try {
          await hook(this.ctx, outcome);
        } catch (thrown) {
          this.observe(this.ctx, serverError(thrown, undefined));
        }
      }
    } finally {
      this.end(callEnded);
    }
  }
}
