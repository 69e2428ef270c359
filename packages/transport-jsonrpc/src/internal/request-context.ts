import type { ServerResponse } from "node:http";
import { Code, KitError, type Context } from "@kit/endpoint";

/**
 * The root context of one HTTP request: the `kit-timeout` deadline, if one was sent, and a
 * signal that aborts at that deadline, when the client goes away, or once the request is over.
 * The signal (and the listener for the client going away) is made when something first reads
 * it, so a request whose calls never read it pays for neither; the deadline's timer only when
 * there is a deadline.
 */
export class RequestContext implements Context {
  readonly deadline: number | undefined;
  readonly #res: ServerResponse;
  #controller: AbortController | undefined = undefined;
  /** Why the context ended, once it did. */
  #ended: KitError | undefined = undefined;
  #timer: NodeJS.Timeout | undefined = undefined;

  /**
   * @param res - the response, whose early close means the client went away
   * @param ms - the `kit-timeout` budget in milliseconds, `undefined` for none
   */
  constructor(res: ServerResponse, ms: number | undefined) {
    this.#res = res;
    if (ms === undefined) return;
    this.deadline = Date.now() + ms;
    this.#timer = setTimeout(() => {
      this.#end(new KitError(Code.DeadlineExceeded, "context deadline exceeded"));
    }, ms);
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return (this.#controller ??= this.#makeController()).signal;
  }

  value(): undefined {
    return undefined;
  }

  /** Ends the context once the request is over, as Go's `defer cancel()` does. */
  release(): void {
    clearTimeout(this.#timer);
    this.#end(released);
  }

  #end(reason: KitError): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#controller?.abort(reason);
  }

  #makeController(): AbortController {
    const controller = new AbortController();
    if (this.#ended !== undefined) {
      controller.abort(this.#ended);
    } else if (this.#res.destroyed && !this.#res.writableFinished) {
      controller.abort((this.#ended = disconnected()));
    } else {
      this.#res.once("close", () => {
        if (!this.#res.writableFinished) this.#end(disconnected());
      });
    }
    return controller;
  }
}

function disconnected(): KitError {
  return new KitError(Code.Canceled, "client disconnected");
}

/** The reason a finished request's context ends with: one shared error, as Go's `context.Canceled`. */
const released: KitError = Object.freeze(
  Object.defineProperty(new KitError(Code.Canceled, "context canceled"), "stack", { value: "KitError: context canceled" }),
);
