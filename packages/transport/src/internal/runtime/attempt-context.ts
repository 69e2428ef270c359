import { background, type Context, type ContextKey, type KitError } from "@kit/endpoint";

/**
 * The context of an attempt at a message without a deadline: what `withCancel(background())`
 * makes, in one object. The runtime cancels it when the attempt is over; nothing else can
 * (its parent is the background context). Its signal is made when first read, aborted if the
 * attempt was over by then, as a derived context's is; until then a cancel only records why.
 * `withCancel` also makes a cancel function and a pair to return it in, on every message.
 */
export class AttemptContext implements Context {
  readonly deadline: undefined = undefined;
  #controller: AbortController | undefined;
  /** Why the attempt's context was canceled, once it was. */
  #reason: KitError | undefined;

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  value<T>(key: ContextKey<T>): T | undefined {
    return background().value(key);
  }

  /** Cancels the context with `reason`; only the first call counts. */
  cancel(reason: KitError): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
