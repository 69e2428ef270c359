import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context, Endpoint, KitError } from "@kit/endpoint";
import type { ErrorHandler } from "@kit/transport";
import { observeErrors } from "@kit/transport/driver";
import { encodeError, type ErrorEncoder } from "./error-encoder.ts";
import { Exchange, type Served } from "./internal/exchange.ts";
import { defaultMaxBodyBytes } from "./internal/limits.ts";

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
  /**
   * The bytes of body written to the response (Go kit's `ContextKeyResponseSize`): what the
   * encoder or error encoder passed to `write` and `end`; 0 when nothing was written.
   */
  readonly size: number;
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
  /**
   * Observes every error (decode, endpoint, encode), with its real text. Defaults to
   * `defaultErrorHandler` from `@kit/transport`: one warning line per error on stderr.
   */
  readonly errorHandler?: ErrorHandler;
  /**
   * Send the text of an error that is not a `KitError` to the caller (default `false`: it is
   * answered 500 `internal` "internal error", and its text goes only to the error handler).
   * See `publicError` in `@kit/transport`.
   */
  readonly exposeErrors?: boolean;
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
 * `errorEncoder` writes it: a `KitError` as it is, what a decoder throws as `invalid_argument`
 * with its message, anything else as `internal` "internal error" (Kit's one disclosure rule,
 * `publicError`; its text goes only to the error handler). The `finalizer` hooks always run last. The context's signal aborts
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
  const served = serving(endpoint, decode, encode, options);
  return (req, res) => {
    new Exchange(served, req, res).start();
  };
}

/** The endpoint, its codecs and its options as the server uses them; checks `maxBodyBytes`. */
export function serving<Req, Res>(
  endpoint: Endpoint<Req, Res>,
  decode: DecodeRequest<Req>,
  encode: EncodeResponse<Res>,
  options: ServerOptions,
): Served<Req, Res> {
  const { before = [], after = [], finalizer = [], maxBodyBytes = defaultMaxBodyBytes, exposeErrors = false } = options;
  if (!(maxBodyBytes >= 0)) throw new RangeError(`maxBodyBytes must be a number of bytes, got ${maxBodyBytes}`);
  return {
    endpoint,
    decode,
    encode,
    before: [...before],
    after: [...after],
    finalizer: [...finalizer],
    maxBodyBytes,
    errorEncoder: options.errorEncoder ?? encodeError,
    exposeErrors,
    observe: observeErrors(options.errorHandler),
  };
}
