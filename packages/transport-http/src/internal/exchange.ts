import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, isKitError, KitError, toKitError, type Context, type Endpoint } from "@kit/endpoint";
import { publicError } from "@kit/transport";
import { readTimeout, timeoutHeader } from "@kit/transport/driver";
import { encodeError, type ErrorEncoder } from "../error-encoder.ts";
import { errorStatus } from "../error-status.ts";
import type { DecodeRequest, EncodeResponse, ServerAfter, ServerBefore, ServerFinalizer, ServerOutcome } from "../server.ts";
import { countBytes } from "./count-bytes.ts";
import { incomingCarrier } from "./headers.ts";
import { rawHeader } from "./raw-headers.ts";
import { setBodyLimit, tooLarge } from "./limits.ts";
import { isThenable } from "./thenable.ts";

/** What the server does with each request: the endpoint, its codecs and its options, resolved. */
export interface Served<Req, Res> {
  readonly endpoint: Endpoint<Req, Res>;
  readonly decode: DecodeRequest<Req>;
  readonly encode: EncodeResponse<Res>;
  readonly before: readonly ServerBefore[];
  readonly after: readonly ServerAfter[];
  readonly finalizer: readonly ServerFinalizer[];
  readonly maxBodyBytes: number;
  readonly errorEncoder: ErrorEncoder;
  /** Whether the text of an error that is not a `KitError` goes to the caller (see `publicError`). */
  readonly exposeErrors: boolean;
  readonly observe: (ctx: Context, err: KitError) => void;
}

/**
 * One request served, from the request event to the last finalizer, and the root of its
 * context. Each step calls the next directly when the previous one returned a value, and
 * through `then` only when it returned a promise, so a synchronous decoder, endpoint or encoder
 * costs no promise. What a request does not use costs nothing: the `AbortSignal` (and the
 * listener for the client going away) is made when someone reads `signal`, the deadline timer
 * when `kit-timeout` is sent, the byte count when there are finalizers.
 */
export class Exchange<Req, Res> implements Context {
  /** The `kit-timeout` deadline in epoch ms, if the caller sent one. */
  deadline: number | undefined = undefined;
  readonly #served: Served<Req, Res>;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  /** The context the next step gets: this one, or what the `before`/`after` hooks returned. */
  #ctx: Context = this;
  #controller: AbortController | undefined = undefined;
  /** Why the context ended (deadline, disconnect, or the request done), once it did. */
  #ended: KitError | undefined = undefined;
  /** Whether the request was answered (or given up): later results are dropped. */
  #answered = false;
  #timer: NodeJS.Timeout | undefined = undefined;
  #written: (() => number) | undefined = undefined;

  constructor(served: Served<Req, Res>, req: IncomingMessage, res: ServerResponse) {
    this.#served = served;
    this.#req = req;
    this.#res = res;
  }

  get signal(): AbortSignal {
    return (this.#controller ??= this.#makeController()).signal;
  }

  value(): undefined {
    return undefined;
  }

  /** Serves the request: the body limit and the deadline, then the `before` hooks onwards. */
  start(): void {
    const { maxBodyBytes } = this.#served;
    try {
      if (Number(rawHeader(this.#req, "content-length")) > maxBodyBytes) throw tooLarge(maxBodyBytes);
      if (rawHeader(this.#req, timeoutHeader) !== undefined) this.#startDeadline();
    } catch (thrown) {
      this.#fail(thrown);
      return;
    }
    setBodyLimit(this.#req, maxBodyBytes);
    if (this.#served.finalizer.length > 0) this.#written = countBytes(this.#res);
    this.#before(0);
  }

  #startDeadline(): void {
    const ms = readTimeout(incomingCarrier(this.#req.headers));
    if (ms === undefined) return;
    this.deadline = Date.now() + ms;
    this.#timer = setTimeout(() => {
      this.#abort(new KitError(Code.DeadlineExceeded, "context deadline exceeded"));
    }, ms);
    this.#timer.unref();
  }

  #makeController(): AbortController {
    const controller = new AbortController();
    if (this.#ended !== undefined) {
      controller.abort(this.#ended);
    } else if (this.#res.destroyed && !this.#res.writableFinished) {
      queueMicrotask(() => {
        this.#abort(disconnected());
      });
    } else {
      this.#res.once("close", () => {
        if (!this.#res.writableFinished) this.#abort(disconnected());
      });
    }
    return controller;
  }

  /** Ends the context with `reason` (its signal aborts) and answers with it, unless answered. */
  #abort(reason: KitError): void {
    if (this.#answered) return;
    this.#ended = reason;
    this.#controller?.abort(reason);
    this.#fail(reason);
  }

  #before(from: number): void {
    const hooks = this.#served.before;
    for (let i = from; i < hooks.length; i++) {
      const hook = hooks[i];
      if (this.#answered || hook === undefined) return;
      let next: Context | Promise<Context>;
      try {
        next = hook(this.#ctx, this.#req);
      } catch (thrown) {
        this.#fail(thrown);
        return;
      }
      if (isThenable(next)) {
        next.then((ctx) => { this.#ctx = ctx; this.#before(i + 1); }, (thrown: unknown) => { this.#fail(thrown); });
        return;
      }
      this.#ctx = next;
    }
    this.#decode();
  }

  #decode(): void {
    if (this.#answered) return;
    let request: Req | Promise<Req>;
    try {
      request = this.#served.decode(this.#ctx, this.#req);
    } catch (thrown) {
      this.#fail(thrown, Code.InvalidArgument);
      return;
    }
    if (isThenable(request)) request.then((value) => { this.#call(value); }, (thrown: unknown) => { this.#fail(thrown, Code.InvalidArgument); });
    else this.#call(request);
  }

  #call(request: Req): void {
    if (this.#answered) return;
    let response: Res | Promise<Res>;
    try {
      response = this.#served.endpoint(this.#ctx, request);
    } catch (thrown) {
      this.#fail(thrown);
      return;
    }
    if (isThenable(response)) response.then((value) => { this.#after(0, value); }, (thrown: unknown) => { this.#fail(thrown); });
    else this.#after(0, response);
  }

  #after(from: number, response: Res): void {
    if (from === 0 && !this.#answered && this.#res.destroyed) this.#abort(disconnected()); // gone while nobody watched
    const hooks = this.#served.after;
    for (let i = from; i < hooks.length; i++) {
      const hook = hooks[i];
      if (this.#answered || hook === undefined) return;
      let next: Context | Promise<Context>;
      try {
        next = hook(this.#ctx, this.#res);
      } catch (thrown) {
        this.#fail(thrown);
        return;
      }
      if (isThenable(next)) {
        next.then((ctx) => { this.#ctx = ctx; this.#after(i + 1, response); }, (thrown: unknown) => { this.#fail(thrown); });
        return;
      }
      this.#ctx = next;
    }
    this.#encode(response);
  }

  #encode(response: Res): void {
    if (this.#answered) return;
    let written: void | Promise<void>;
    try {
      written = this.#served.encode(this.#ctx, response, this.#res);
    } catch (thrown) {
      this.#fail(thrown);
      return;
    }
    if (isThenable(written)) written.then(() => { this.#encoded(); }, (thrown: unknown) => { this.#fail(thrown); });
    else this.#encoded();
  }

  #encoded(): void {
    if (this.#answered) return;
    this.#answered = true;
    this.#end();
    this.#settle(undefined);
  }

  /** Ends the response if the encoder did not; one that cannot even be ended is cut off. */
  #end(): void {
    try {
      if (!this.#res.writableEnded) this.#res.end();
    } catch {
      this.#res.destroy();
    }
  }

  /**
   * Answers the request with what was thrown, unless it was answered already. What is not a
   * `KitError` is `code`: `invalid_argument` from a decoder (the caller's input, answered with its
   * message), else `internal`, whose text only the error handler sees unless `exposeErrors`.
   */
  #fail(thrown: unknown, code: Code = Code.Internal): void {
    if (this.#answered) return;
    this.#answered = true;
    const error = toKitError(thrown, code);
    this.#served.observe(this.#ctx, error);
    const answer = isKitError(thrown) || code !== Code.Internal ? error : publicError(thrown, this.#served.exposeErrors);
    const res = this.#res;
    if (res.destroyed || this.#req.socket.destroyed) {
      this.#settle(error); // the client is gone: nobody to answer
      return;
    }
    if (res.headersSent) {
      res.destroy(); // a half-written response cannot turn into an error: cut it short
      this.#settle(error);
      return;
    }
    if (errorStatus(error) === 413) {
      // Close the connection once the answer is out, so the rest of the body is never read;
      // until then drop whatever still arrives, as Node does for a body nobody read.
      res.setHeader("connection", "close");
      res.once("finish", () => this.#req.resume());
    }
    this.#writeError(answer);
  }

  #writeError(error: KitError): void {
    let written: void | Promise<void>;
    try {
      written = this.#served.errorEncoder(this.#ctx, error, this.#res);
    } catch (thrown) {
      this.#errorEncoderFailed(error, thrown);
      return;
    }
    if (isThenable(written)) written.then(() => { this.#errorWritten(error); }, (thrown: unknown) => { this.#errorEncoderFailed(error, thrown); });
    else this.#errorWritten(error);
  }

  #errorEncoderFailed(error: KitError, thrown: unknown): void {
    this.#served.observe(this.#ctx, toKitError(thrown));
    try {
      if (!this.#res.headersSent) encodeError(this.#ctx, error, this.#res);
    } catch {
      this.#res.destroy(); // not even the default answer could be written
    }
    this.#errorWritten(error);
  }

  #errorWritten(error: KitError): void {
    this.#end();
    this.#settle(error);
  }

  /** The request is answered: the finalizers run, then the context ends. */
  #settle(error: KitError | undefined): void {
    clearTimeout(this.#timer);
    if (this.#served.finalizer.length === 0) {
      this.#release();
      return;
    }
    const res = this.#res;
    const status = res.headersSent || error === undefined ? res.statusCode : errorStatus(error);
    this.#finalize(0, { status, error, request: this.#req, response: res, size: this.#written?.() ?? 0 });
  }

  #finalize(from: number, outcome: ServerOutcome): void {
    const hooks = this.#served.finalizer;
    for (let i = from; i < hooks.length; i++) {
      const hook = hooks[i];
      if (hook === undefined) break;
      let done: void | Promise<void>;
      try {
        done = hook(this.#ctx, outcome);
      } catch (thrown) {
        this.#served.observe(this.#ctx, toKitError(thrown));
        continue;
      }
      if (isThenable(done)) {
        const next = (): void => { this.#finalize(i + 1, outcome); };
        done.then(next, (thrown: unknown) => { this.#served.observe(this.#ctx, toKitError(thrown)); next(); });
        return;
      }
    }
    this.#release();
  }

  /** Ends the context, as Go's `defer cancel()` does: its signal, if made, aborts. */
  #release(): void {
    this.#ended ??= released;
    if (this.#controller !== undefined && !this.#controller.signal.aborted) this.#controller.abort(this.#ended);
  }
}

function disconnected(): KitError {
  return new KitError(Code.Canceled, "client disconnected");
}

/** The reason a finished request's context ends with: one shared error, as Go's `context.Canceled`. */
const released: KitError = Object.freeze(
  Object.defineProperty(new KitError(Code.Canceled, "context canceled"), "stack", { value: "KitError: context canceled" }),
);
