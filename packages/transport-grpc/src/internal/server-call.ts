import { Metadata, status as Status, type Deadline, type StatusObject } from "@grpc/grpc-js";
import { background, Code, KitError, withCancel, withDeadline, type CancelFunc, type Context } from "@kit/endpoint";
import { Deadlines } from "@kit/transport/driver";
import type { ServerOptions, ServerOutcome } from "../server.ts";
import { serverErrors, statusOf } from "./errors.ts";

/** A grpc-js server call, any kind: metadata, deadline, and the `cancelled` event. */
interface AnyServerCall {
  readonly metadata: Metadata;
  getDeadline(): Deadline;
  getPath(): string;
  on(event: "cancelled", listener: () => void): unknown;
}

// The reason the context is canceled with once the call is over: one shared error, so ending
// a call costs no stack capture.
const callEnded = new KitError(Code.Canceled, "the call has ended");

/** How close to the deadline a cancel counts as the deadline passing (see the constructor). */
const deadlineSlackMs = 50;

/** Every call with a deadline, on one timer that ends each at its deadline. */
const timedCalls = new Deadlines<ServerCall>((call) => {
  call.expire();
});

/**
 * One call on the server: its context, the hooks around it, and how it ended.
 *
 * The call's context is `@kit/endpoint`'s own (`withCancel`, or `withDeadline` for a call with
 * a deadline), canceled by the call's end: without a deadline, its `AbortController` is made
 * only if someone reads `ctx.signal`, so a unary endpoint that never looks at it costs no
 * controller and no abort event.
 */
export class ServerCall {
  ctx: Context;
  private headerMetadata: Metadata | undefined;
  private trailerMetadata: Metadata | undefined;
  private readonly options: ServerOptions;
  private readonly observe: (ctx: Context, err: KitError) => void;
  private readonly call: AnyServerCall;
  /** The call's own context, before the hooks derived theirs, and what cancels it. */
  private readonly base: Context;
  private readonly cancel: CancelFunc;
  /** The call's deadline (epoch ms), `Infinity` when the caller sent none: what {@link timedCalls} watches. */
  readonly expires: number;
  /** Why the call's context ended, once it has. */
  private reason: KitError | undefined;
  /** Rejects the work {@link ServerCall.race} waits for, or the {@link ServerCall.onEnd} listener. */
  private abortWork: ((reason: KitError) => void) | undefined;

  constructor(call: AnyServerCall, options: ServerOptions, observe: (ctx: Context, err: KitError) => void) {
    this.call = call;
    this.options = options;
    this.observe = observe;
    const deadline = call.getDeadline();
    const time = deadline instanceof Date ? deadline.getTime() : deadline;
    const timed = Number.isFinite(time);
    [this.base, this.cancel] = timed ? withDeadline(background(), time) : withCancel(background());
    this.ctx = this.base;
    this.expires = timed ? time : Number.POSITIVE_INFINITY;
    if (timed) {
      // The deadline ends the call at once, whether or not the endpoint reads its signal; on the
      // one timer every call shares, so a call makes no signal, timer or listener for it.
      if (time <= Date.now()) this.expire();
      else timedCalls.add(this);
    }
    // `on`, not `once`: grpc-js emits "cancelled" once per call, and `once` would wrap the
    // listener in a function of its own for every call.
    call.on("cancelled", () => {
      if (this.reason !== undefined) return; // over already: grpc-js reports the stream's close after every call
      // At the deadline the call ends on both sides at about the same moment: grpc-js' own
      // timer, or the client's cancel when its deadline passes (a little sooner, by the transit
      // time). Either way the call ran out of time.
      const late = timed && Date.now() >= time - deadlineSlackMs;
      this.end(late ? new KitError(Code.DeadlineExceeded, "context deadline exceeded") : new KitError(Code.Canceled, "the client canceled the call"));
    });
  }

  /**
   * Why the call's context ended (cancel, deadline, the call's end), or `undefined` while it
   * runs: what the signal's `reason` says once it aborts, without making the signal.
   */
  get endedBy(): KitError | undefined {
    return this.reason;
  }

  /** The signal of the call's own context (aborted on cancel, deadline, or the call's end). */
  get signal(): AbortSignal {
    return this.base.signal;
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

  /**
   * Calls `listener` with the reason once the call's context ends (cancel, deadline, the call's
   * end): what {@link ServerCall.race} does, for a caller that answers by callback. Returns
   * `false`, having called `listener` at once, when the context has ended already.
   */
  onEnd(listener: (reason: KitError) => void): boolean {
    if (this.reason !== undefined) {
      listener(this.reason);
      return false;
    }
    this.abortWork = listener;
    return true;
  }

  /** Ends the call: its deadline has passed. */
  expire(): void {
    this.end(new KitError(Code.DeadlineExceeded, "context deadline exceeded"));
  }

  /** Ends the call's context with `reason` (the first reason wins). */
  private end(reason: KitError): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    if (this.expires !== Number.POSITIVE_INFINITY) timedCalls.delete(this);
    this.cancel(reason);
    this.abortWork?.(reason);
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

  /**
   * Turns a thrown value into the error to report and the status to answer with (see
   * `serverErrors`), reports it, and has the `errorEncoder` make the status, or
   * `encodeError` when there is none or it fails (its failure is reported too).
   */
  async fail(thrown: unknown): Promise<{ error: KitError; status: StatusObject }> {
    const { error, sent } = serverErrors(thrown, this.reason, this.options.exposeErrors === true);
    this.observe(this.ctx, error);
    const encoder = this.options.errorEncoder;
    if (encoder === undefined) return { error, status: statusOf(sent) };
    const trailer = new Metadata();
    try {
      const { code, details } = await encoder(this.ctx, sent, trailer);
      return { error, status: { code, details, metadata: trailer } };
    } catch (failed) {
      this.observe(this.ctx, serverErrors(failed, undefined, false).error);
      return { error, status: statusOf(sent) };
    }
  }

  /** Whether there are finalizers to {@link ServerCall.finish} with; else {@link ServerCall.release} ends the call. */
  get hasFinalizers(): boolean {
    return (this.options.finalizer?.length ?? 0) > 0;
  }

  /** Ends the call's context, once the call is over. */
  release(): void {
    this.end(callEnded);
  }

  /** Runs the finalizers and releases the context. */
  async finish(error: KitError | undefined, status: Status = Status.OK): Promise<void> {
    if (!this.hasFinalizers) {
      this.release();
      return;
    }
    const outcome: ServerOutcome = { method: this.call.getPath(), status, error };
    try {
      for (const hook of this.options.finalizer ?? []) {
        try {
          await hook(this.ctx, outcome);
        } catch (thrown) {
          this.observe(this.ctx, serverErrors(thrown, undefined, false).error);
        }
      }
    } finally {
      this.end(callEnded);
    }
  }
}
