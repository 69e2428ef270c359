import { background, Code, KitError, type Context, type ContextKey } from "@kit/endpoint";

/**
 * The context of an attempt at a message: what `withCancel(background())`, or for a message
 * with a deadline `withDeadline(background(), deadline)`, makes, in one object. The runtime
 * cancels it when the attempt is over (its deadline passed, it ended, or the message was
 * given back); nothing else can (its parent is the background context). Its signal is made
 * when first read, aborted if the attempt was over or its deadline had passed by then, as a
 * derived context's is, and from then on aborted at the deadline; until then a cancel only
 * records why. The derived contexts also make a cancel function and a pair to return it in,
 * on every message.
 */
export class AttemptContext implements Context {
  readonly deadline: number | undefined;
  #controller: AbortController | undefined;
  /** The deadline's timer, once the signal was read before the deadline. */
  #timer: NodeJS.Timeout | undefined;
  /** Why the attempt's context was canceled, once it was. */
  #reason: KitError | undefined;

  /** @param deadline - when the attempt must be done (epoch ms); `undefined` for no deadline */
  constructor(deadline: number | undefined) {
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    return this.#controller?.signal ?? this.#makeSignal();
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return background().value(key);
  }

  /** Cancels the context with `reason`; only the first call counts. */
  cancel(reason: KitError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    clearTimeout(this.#timer);
    this.#controller?.abort(reason);
  }

  /** Makes the signal in the state the context is in now, and aborts it at the deadline. */
  #makeSignal(): AbortSignal {
    const controller = new AbortController();
    this.#controller = controller;
    if (this.#reason === undefined && this.deadline !== undefined) {
      const left = this.deadline - Date.now();
      if (left <= 0) this.#reason = exceeded();
      else {
        this.#timer = setTimeout(() => {
          this.cancel(exceeded());
        }, left);
        this.#timer.unref();
      }
    }
    if (this.#reason !== undefined) controller.abort(this.#reason);
    return controller.signal;
  }
}

function exceeded(): KitError {
  return new KitError(Code.DeadlineExceeded, "context deadline exceeded");
}
