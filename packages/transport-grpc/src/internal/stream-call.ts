import { Metadata, type StatusObject } from "@grpc/grpc-js";
import type { Context, KitError } from "@kit/endpoint";
import type { ClientOptions } from "../client.ts";
import { afterFailure, CallWatch, outcomeOf, runAfter, runBefore, runFinalizers } from "./client-call.ts";
import { clientError } from "./errors.ts";

/** What a {@link StreamCall} needs of a grpc-js streaming call: its events, and canceling it. */
type StreamingCall = ConstructorParameters<typeof CallWatch>[0];

/**
 * The hooks and the end of one call of a streaming client (server-streaming, client-streaming
 * or bidirectional), in the order every one of them runs them: the `before` hooks on the
 * outgoing metadata, the `after` hooks on the response header and trailer (once, for a failed
 * call too), and, whatever happened, the finalizers. `ctx` is the context the hooks have
 * returned so far.
 */
export class StreamCall {
  ctx: Context;
  private readonly path: string;
  private readonly options: ClientOptions;
  private watch: CallWatch | undefined;
  private error: KitError | undefined;
  private cancel = (): void => undefined;

  constructor(ctx: Context, path: string, options: ClientOptions) {
    this.ctx = ctx;
    this.path = path;
    this.options = options;
  }

  /** Throws the context's reason when it has ended already. */
  ensureOpen(): void {
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason as Error;
  }

  /** {@link StreamCall.ensureOpen}, then {@link StreamCall.before}: for a call with nothing to encode first. */
  async start(): Promise<Metadata> {
    this.ensureOpen();
    return await this.before();
  }

  /**
   * Runs the `before` hooks on new metadata and returns it; throws the reason of the context
   * they return if that has ended.
   */
  async before(): Promise<Metadata> {
    const metadata = new Metadata();
    this.ctx = await runBefore(this.ctx, this.options, metadata);
    this.ensureOpen();
    return metadata;
  }

  /** Follows the call just made: canceled with the context, and by {@link StreamCall.finish} if it has not ended. */
  follow(call: StreamingCall): CallWatch {
    this.watch = new CallWatch(call, this.ctx.signal);
    this.cancel = () => {
      call.cancel();
    };
    return this.watch;
  }

  /** The call ended with `status` (OK): runs the `after` hooks on its header and trailer. */
  async succeeded(watch: CallWatch, status: StatusObject): Promise<void> {
    watch.afterRan = true;
    this.ctx = await runAfter(this.ctx, this.options, watch.header ?? new Metadata(), status.metadata);
  }

  /**
   * The call failed with `err`: returns the `KitError` to throw, after the `after` hooks if
   * the call got a status and they have not run (what they throw is that error).
   */
  async failed(err: unknown): Promise<KitError> {
    ({ ctx: this.ctx, error: this.error } = await afterFailure(this.ctx, this.options, this.watch, clientError(err, this.ctx.signal)));
    return this.error;
  }

  /**
   * Ends the call: cancels it if it has no status yet (the consumer stopped early), stops
   * following it, and runs the finalizers.
   */
  async finish(): Promise<void> {
    if (this.watch?.status === undefined) this.cancel();
    this.watch?.dispose();
    if (this.options.finalizer !== undefined) await runFinalizers(this.ctx, this.options, outcomeOf(this.path, this.watch, this.error));
  }

}
