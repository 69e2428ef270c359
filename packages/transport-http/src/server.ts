import type { IncomingMessage, ServerResponse } from "node:http";
import { background, Code, KitError, toKitError, untilAborted, withCancel, withTimeout, type CancelFunc, type Context, type Endpoint } from "@kit/endpoint";
import { type ErrorHandler } from "@kit/transport";
import { observeErrors, readTimeout } from "@kit/transport/driver";
import { encodeError, type ErrorEncoder } from "./error-encoder.ts";
import { errorStatus } from "./error-status.ts";

import { incomingCarrier } from "./internal/headers.ts";
import { bodyLimits, defaultMaxBodyBytes, tooLarge } from "./internal/limits.ts";

/**
 * Turns an HTTP request into the endpoint's request, Go kit's `DecodeRequestFunc`. Read the
 * body with {@link readBody} so `maxBodyBytes` holds. A thrown error is answered like the
 * endpoint's (a non-Kit error becomes `unknown`, 500); throw `invalid_argument` for bad input.
 */
export type DecodeRequest<Req> = (ctx: Context, req: IncomingMessage) => Req | Promise<Req>;

/**
 * Writes the endpoint's response, Go kit's `EncodeResponseFunc`. The server ends the response
 * if the encoder did not.
 */
export type EncodeResponse<Res> = (ctx: Context, response: Res, res: ServerResponse) => void | Promise<void>;

/**
 * Runs before decoding, Go kit's `RequestFunc`: reads the request (headers, URL) into the
 * context it returns. Throwing fails the request like a decode error, so a hook can refuse
 * one (say, `unauthenticated`).
 */
export type ServerBefore = (ctx: Context, req: IncomingMessage) => Context | Promise<Context>;

/**
 * Runs after the endpoint succeeds and before encoding, Go kit's `ServerResponseFunc`: sets
 * response headers (or the status) and returns the context.
 */
export type ServerAfter = (ctx: Context, res: ServerResponse) => Context | Promise<Context>;

/** What a {@link ServerFinalizer} learns about a finished request. */
export interface ServerOutcome {
  /** The status written, or for a client that went away (499) the one that would have been. */
  readonly status: number;
  /** The error, when the request failed; `undefined` on success. */
  readonly error: KitError | undefined;
  /** The request. */
  readonly request: IncomingMessage;
  /** The response. */
  readonly response: ServerResponse;
}

/**
 * Runs at the end of every request, whatever happened, Go kit's `ServerFinalizerFunc`: for
 * access logs and metrics. Anything it throws goes to the error handler.
 */
export type ServerFinalizer = (ctx: Context, outcome: ServerOutcome) => void | Promise<void>;

/** Options for {@link server}, with the Go kit names every Kit transport uses. */
export interface ServerOptions {
  /** Hooks run in order before decoding; each returns the context the next one gets. */
  readonly before?: readonly ServerBefore[];
  /** Hooks run in order after the endpoint succeeds, before encoding. */
  readonly after?: readonly ServerAfter[];
  /** Writes errors to the response; defaults to {@link encodeError}. */
  readonly errorEncoder?: ErrorEncoder;
  /** Observes every error (decode, endpoint, encode); defaults to doing nothing. */
  readonly errorHandler?: ErrorHandler;
  /** Hooks run at the end of every request, successful or not. */
  readonly finalizer?: readonly ServerFinalizer[];
  /**
   * The largest request body {@link readBody} accepts, in bytes (default 1 MiB). A larger
   * `content-length` is refused with 413 before the body is read, and a chunked body as soon
   * as it passes the limit; the connection is then closed.
   */
  readonly maxBodyBytes?: number;
}

/**
 * Serves an endpoint over HTTP, Go kit's `http.NewServer`. Returns a plain Node request
 * handler, so it mounts on `node:http`, in Express, and in Fastify (see the README).
 *
 * For each request: a `kit-timeout` header becomes the context's deadline (a malformed one is
 * a 400); the `before` hooks run; `decode` reads the request; the endpoint runs; the `after`
 * hooks run; `encode` writes the response. On any error the `errorHandler` observes it and the
 * `errorEncoder` writes it. The `finalizer` hooks always run last. The context's signal aborts
 * when the client disconnects (`canceled`) or the deadline passes (`deadline_exceeded`); the
 * server then answers at once (504 for a deadline) without waiting for the endpoint.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - turns the request into the endpoint's request, such as {@link decodeJSON}
 * @param encode - writes the endpoint's response, such as {@link encodeJSON}
 * @param options - hooks, error handling and the body limit
 *
 * @example
 * ```ts
 * const SumRequest = z.object({ a: z.number(), b: z.number() });
 * const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => ({ v: a + b });
 * http.createServer(server(sum, decodeJSON(SumRequest), encodeJSON)).listen(8080);
 * ```
 */
export function server<Req, Res>(
  endpoint: Endpoint<Req, Res>,
  decode: DecodeRequest<Req>,
  encode: EncodeResponse<Res>,
  options: ServerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const { before = [], after = [], finalizer = [], maxBodyBytes = defaultMaxBodyBytes } = options;
  const errorEncoder: ErrorEncoder = options.errorEncoder ?? encodeError;
  if (!(maxBodyBytes >= 0)) throw new RangeError(`maxBodyBytes must be a number of bytes, got ${maxBodyBytes}`);
  const observe = observeErrors(options.errorHandler);

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    bodyLimits.set(req, maxBodyBytes);
    const [base, cancelBase] = withCancel(background());
    let cancel: CancelFunc = cancelBase;
    let ctx = base;
    let error: KitError | undefined;
    res.once("close", () => {
      if (!res.writableFinished) cancelBase(new KitError(Code.Canceled, "client disconnected"));
    });
    try {
      try {
        if (Number(req.headers["content-length"]) > maxBodyBytes) throw tooLarge(maxBodyBytes);
        const ms = readTimeout(incomingCarrier(req.headers));
        if (ms !== undefined) {
          const [timed, cancelTimed] = withTimeout(base, ms);
          ctx = timed;
          cancel = (reason) => {
            cancelTimed(reason);
            cancelBase(reason);
          };
        }
        await untilAborted(ctx.signal, async () => {
          for (const hook of before) ctx = await hook(ctx, req);
          const request = await decode(ctx, req);
          const response = await endpoint(ctx, request);
          if (ctx.signal.aborted) throw ctx.signal.reason as Error; // answered already: write nothing
          for (const hook of after) ctx = await hook(ctx, res);
          await encode(ctx, response, res);
        });
        if (!res.writableEnded) res.end();
      } catch (thrown) {
        error = toKitError(thrown);
        observe(ctx, error);
        await answer(ctx, error, req, res);
      }
      const status = res.headersSent || error === undefined ? res.statusCode : errorStatus(error);
      const outcome: ServerOutcome = { status, error, request: req, response: res };
      for (const hook of finalizer) {
        try {
          await hook(ctx, outcome);
        } catch (thrown) {
          observe(ctx, toKitError(thrown));
        }
      }
    } finally {
      cancel();
    }
  };

  const answer = async (ctx: Context, err: KitError, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (res.destroyed || req.socket.destroyed) return; // the client is gone: nobody to answer
    if (res.headersSent) {
      res.destroy(); // a half-written response cannot turn into an error: cut it short
      return;
    }
    if (errorStatus(err) === 413) {
      // Close the connection once the answer is out, so the rest of the body is never read;
      // until then drop whatever still arrives, as Node does for a body nobody read.
      res.setHeader("connection", "close");
      res.once("finish", () => req.resume());
    }
    try {
      await errorEncoder(ctx, err, res);
    } catch (thrown) {
      observe(ctx, toKitError(thrown));
      if (!headersSent(res)) encodeError(ctx, err, res);
    }
    if (!res.writableEnded) res.end();
  };

  return (req, res) => {
    serve(req, res).catch(() => res.destroy()); // only if an answer could not even be written
  };
}

// A function, not `res.headersSent` inline: TypeScript would keep an earlier narrowing of it
// across the awaits that can change it.
function headersSent(res: ServerResponse): boolean {
  return res.headersSent;
}
