import { Code, KitError, type Context } from "@kit/endpoint";

/**
 * The context of one attempt at a message, which the subscriber runtime gives the hooks, the
 * decoder and the endpoint: no values, the message's `kit-timeout` as its deadline, and
 * canceled by the runtime alone, which watches every attempt's deadline on one timer and
 * cancels the context when it passes, when the message is settled and on `close()`.
 *
 * What `withTimeout(background(), ms)` would make, less what the runtime already does: no
 * timer of its own even once its signal is read, no tuple and closure for its cancel function,
 * and no clock reading when it is canceled. Its signal is made only when first read, aborted by
 * then if the context was canceled or its deadline has passed.
 */
export class AttemptContext implements Context {
  readonly deadline: number | undefined;
  #controller: AbortController | undefined;
  #reason: KitError | undefined;

  /** @param deadline - when the attempt must be done, in epoch milliseconds; `undefined` for never */
  constructor(deadline: number | undefined) {
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    const reason = this.#reason ?? (this.deadline !== undefined && this.deadline <= Date.now() ? exceeded() : undefined);
    if (reason !== undefined) controller.abort(reason);
    return controller.signal;
  }

  /** No values: the runtime starts every attempt from nothing, as from `background()`. */
  value(): undefined {
    return undefined;
  }

  /** Ends the context with `reason`; only the first call counts. */
  cancel(reason: KitError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

function exceeded(): KitError {
  return new KitError(Code.DeadlineExceeded, "context deadline exceeded");
}
