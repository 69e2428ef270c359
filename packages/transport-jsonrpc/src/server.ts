import type { IncomingMessage, ServerResponse } from "node:http";
import { background, Code, toKitError, type Context, type KitError } from "@kit/endpoint";
import type { ErrorHandler, HeaderCarrier } from "@kit/transport";
import { observeErrors, readTimeout, timeoutHeader } from "@kit/transport/driver";
import { errorObject } from "./error-codes.ts";
import { readBody } from "./internal/body.ts";
import { dispatch, type Dispatch, type Dispatched } from "./internal/dispatch.ts";
import { rawHeader } from "./internal/raw-header.ts";
import { RequestContext } from "./internal/request-context.ts";
import { isThenable } from "./internal/thenable.ts";
import { checkRequest } from "./internal/request.ts";
import type { MethodTable } from "./method.ts";
import { contentType, ErrorCode, version, type JsonRpcResponse } from "./protocol.ts";

/** Runs before the body is read, Go kit's `RequestFunc`: reads headers into the context it returns; a throw refuses the whole request. */
export type JsonRpcServerBefore = (ctx: Context, req: IncomingMessage) => Context | Promise<Context>;

/** Runs once the calls are done, before the response is written, Go kit's `ServerResponseFunc`: sets headers. */
export type JsonRpcServerAfter = (ctx: Context, res: ServerResponse) => Context | Promise<Context>;

/** What a {@link JsonRpcServerFinalizer} learns about one HTTP request. */
export interface JsonRpcServerOutcome {
  /** The HTTP status written: 200, 204 when every call was a notification, 405, 413. */
  readonly status: number;
  /** How many calls the body held (1 for a single request, the batch's length, 0 when it could not be read). */
  readonly calls: number;
  /** How many responses carry an error. */
  readonly failed: number;
  /** The request. */
  readonly request: IncomingMessage;
}

/** Runs at the end of every HTTP request, Go kit's `ServerFinalizerFunc`; what it throws goes to the error handler. */
export type JsonRpcServerFinalizer = (ctx: Context, outcome: JsonRpcServerOutcome) => void | Promise<void>;

/** Options for {@link server}. */
export interface JsonRpcServerOptions {
  /** Hooks run in order before the body is read. */
  readonly before?: readonly JsonRpcServerBefore[];
  /** Hooks run in order before the response is written. */
  readonly after?: readonly JsonRpcServerAfter[];
  /** Observes every error: unknown methods, bad params, endpoint failures, bodies that cannot be read; defaults to `defaultErrorHandler` (a warning line on stderr). */
  readonly errorHandler?: ErrorHandler;
  /** Hooks run at the end of every HTTP request. */
  readonly finalizer?: readonly JsonRpcServerFinalizer[];
  /** The largest body read, in bytes (default 1 MiB); a larger one is answered 413 without reading it. */
  readonly maxBodyBytes?: number;
  /** The most calls one batch may hold (default 1 000); a larger batch is one Invalid Request error. */
  readonly maxBatchSize?: number;
  /** Send a non-Kit error's own message to the caller instead of `internal error` (default false). */
  readonly exposeErrors?: boolean;
}

/**
 * Serves a table of methods as one JSON-RPC 2.0 endpoint over HTTP, Go kit's
 * `jsonrpc.NewServer`: a plain Node request handler for `node:http`, Express or Fastify.
 *
 * A POST body holds one request object or a batch (an array of them). Each call's method is
 * looked up in `methods`; its `params` decoded, the endpoint called, the result encoded. Calls
 * of a batch run concurrently and are answered in order; notifications (no `id`) run but are
 * not answered, and a body of notifications only is answered `204`. `id`s are echoed as given.
 * Errors use the spec's codes (`-32700` parse error, `-32600` invalid request, `-32601` method
 * not found, `-32602` invalid params, `-32603` internal) and Kit's codes in `-32000`…`-32099`
 * with the code by name in `error.data.code`. A `kit-timeout` header is every call's deadline.
 *
 * @param methods - the methods, by name
 * @param options - hooks, error handling and limits
 *
 * @example
 * ```ts
 * const methods = { "add.sum": { endpoint: sum, decode: paramsAsRequest<SumRequest>(), encode: resultAsIs } };
 * http.createServer(server(methods)).listen(8080, "127.0.0.1");
 * ```
 */
export function server(methods: MethodTable, options: JsonRpcServerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const { before = [], after = [], finalizer = [], maxBodyBytes = 1024 * 1024, maxBatchSize = 1_000 } = options;
  if (!(maxBodyBytes >= 0)) throw new RangeError(`maxBodyBytes must be a number of bytes, got ${maxBodyBytes}`);
  if (!(maxBatchSize >= 1)) throw new RangeError(`maxBatchSize must be at least 1, got ${maxBatchSize}`);
  const observe = observeErrors(options.errorHandler);
  const calls: Dispatch = { methods, observe, exposeErrors: options.exposeErrors ?? false };

  /** Reads, parses and runs the body: what to answer (nothing when every call was a notification), and how many calls there were. */
  const answer = async (ctx: Context, req: IncomingMessage): Promise<Answer> => {
    const body = await readBody(req, maxBodyBytes);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (thrown) {
      observe(ctx, toKitError(thrown, Code.InvalidArgument));
      return { body: failure(ErrorCode.ParseError, `parse error: ${(thrown as Error).message}`), calls: 0 };
    }
    if (!Array.isArray(parsed)) {
      const response = one(ctx, parsed);
      return { body: isThenable(response) ? await response : response, calls: 1 };
    }
    const batch = parsed as unknown[];
    if (batch.length === 0) return { body: failure(ErrorCode.InvalidRequest, "invalid request: an empty batch"), calls: 0 };
    if (batch.length > maxBatchSize) {
      const message = `invalid request: a batch of ${batch.length} calls is over the limit of ${maxBatchSize}`;
      return { body: failure(ErrorCode.InvalidRequest, message), calls: batch.length };
    }
    const answered = await Promise.all(batch.map((entry) => Promise.resolve(one(ctx, entry))));
    const responses = answered.filter((response) => response !== undefined);
    return { body: responses.length === 0 ? undefined : responses, calls: batch.length };
  };

  /** One request object checked and run: its response, or `undefined` for a notification. */
  const one = (ctx: Context, entry: unknown): Dispatched => {
    const checked = checkRequest(entry);
    return "invalid" in checked ? checked.invalid : dispatch(ctx, checked.request, calls);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let root: RequestContext | undefined;
    let ctx: Context = background();
    let outcome: Omit<JsonRpcServerOutcome, "request">;
    try {
      if (req.method !== "POST") {
        res.setHeader("allow", "POST");
        outcome = write(res, 405, failure(ErrorCode.InvalidRequest, `invalid request: JSON-RPC is POSTed, not ${req.method ?? "?"}`), 0);
      } else {
        try {
          const timeout = rawHeader(req, timeoutHeader);
          root = new RequestContext(res, timeout === undefined ? undefined : readTimeout(carrier(timeout)));
          ctx = root;
          for (const hook of before) ctx = await hook(ctx, req);
          const { body, calls: count } = await answer(ctx, req);
          for (const hook of after) ctx = await hook(ctx, res);
          outcome = write(res, body === undefined ? 204 : 200, body, count);
        } catch (thrown) {
          const err = toKitError(thrown);
          observe(ctx, err);
          outcome = refuse(req, res, err);
        }
      }
    } finally {
      root?.release();
    }
    for (const hook of finalizer) {
      try {
        await hook(ctx, { ...outcome, request: req });
      } catch (thrown) {
        observe(ctx, toKitError(thrown));
      }
    }
  };

  return (req, res) => {
    serve(req, res).catch(() => res.destroy());
  };
}

/** What the server answers a body with: one response, a batch's, or nothing (204). */
interface Answer {
  readonly body: JsonRpcResponse | readonly JsonRpcResponse[] | undefined;
  readonly calls: number;
}

/** A response with no id: for what fails before a call's id can be known. */
function failure(code: number, message: string): JsonRpcResponse {
  return { jsonrpc: version, error: { code, message }, id: null };
}

/** Answers a request refused as a whole (a body too large, a malformed `kit-timeout`, a `before` hook that threw). */
function refuse(req: IncomingMessage, res: ServerResponse, err: KitError): Omit<JsonRpcServerOutcome, "request"> {
  if (res.destroyed || err.code === Code.Canceled) return { status: 499, calls: 0, failed: 1 };
  const tooLarge = err.code === Code.ResourceExhausted && err.message.startsWith("request body");
  if (tooLarge) {
    res.setHeader("connection", "close"); // the rest of the body is never read
    res.once("finish", () => req.resume());
  }
  const error = tooLarge ? { ...errorObject(err, false), code: ErrorCode.InvalidRequest } : errorObject(err, false);
  return write(res, tooLarge ? 413 : 200, { jsonrpc: version, error, id: null }, 0);
}

/** Writes the answer (one response object, a batch's array, or nothing for 204) in one write. */
function write(res: ServerResponse, status: number, body: Answer["body"], calls: number): Omit<JsonRpcServerOutcome, "request"> {
  const failed = body === undefined ? 0 : Array.isArray(body) ? body.filter((response) => "error" in response).length : "error" in body ? 1 : 0;
  if (body === undefined) {
    res.writeHead(status).end();
    return { status, calls, failed };
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) }).end(text);
  return { status, calls, failed };
}

/** A carrier holding only the `kit-timeout` header's value, for `readTimeout`. */
function carrier(timeout: string): HeaderCarrier {
  return {
    get: (name) => (name === timeoutHeader ? timeout : undefined),
    set: () => undefined,
  };
}
