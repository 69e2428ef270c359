import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import https from "node:https";
import { background, Code, KitError, toKitError, withCancel, withTimeout, type CancelFunc, type Context } from "@kit/endpoint";
import { httpStatusFromCode, type ErrorHandler, type HeaderCarrier } from "@kit/transport";
import { observeErrors, readTimeout, writeTimeout } from "@kit/transport/driver";
import { endToEnd, upstreamHeaders } from "./internal/headers.ts";
import { upstreamUrl } from "./internal/target-url.ts";

/** The request about to go upstream; `before` hooks may change any of it. */
export interface ProxyRequest {
  /** Where it goes: the target joined with the request's path and query. */
  url: URL;
  /** The method, as the client sent it. */
  method: string;
  /** The end-to-end headers, `Host` set to the target's, `X-Forwarded-*` added. */
  readonly headers: OutgoingHttpHeaders;
}

/** Runs before the request goes upstream, Go kit's httprp `ServerBefore`: changes it, returns the context; a throw refuses it. */
export type ProxyBefore = (ctx: Context, outgoing: ProxyRequest, incoming: IncomingMessage) => Context | Promise<Context>;

/** Runs on the upstream response before its head is passed on: may change `headers` (end-to-end only) or read the status. */
export type ProxyAfter = (ctx: Context, upstream: IncomingMessage, headers: OutgoingHttpHeaders) => Context | Promise<Context>;

/** What a {@link ProxyFinalizer} learns about one proxied request. */
export interface ProxyOutcome {
  /** The status the client got (the upstream's, or 502/504/400 written by the proxy; 499 when the client went away). */
  readonly status: number;
  /** Why it failed, when it did. */
  readonly error: KitError | undefined;
  /** The client's request. */
  readonly request: IncomingMessage;
}

/** Runs once each proxied request is over; what it throws goes to the error handler. */
export type ProxyFinalizer = (ctx: Context, outcome: ProxyOutcome) => void | Promise<void>;

/** Options for {@link proxy}. */
export interface ProxyOptions {
  /** Hooks run in order before the request goes upstream. */
  readonly before?: readonly ProxyBefore[];
  /** Hooks run in order on the upstream response's head. */
  readonly after?: readonly ProxyAfter[];
  /** Hooks run at the end of every request. */
  readonly finalizer?: readonly ProxyFinalizer[];
  /** Observes every error (upstream unreachable, deadline passed, a client that went away); defaults to `defaultErrorHandler` (a warning line on stderr). */
  readonly errorHandler?: ErrorHandler;
  /** How long to wait for the upstream's response head when the request has no `kit-timeout`, in ms (default 30 000). */
  readonly timeout?: number;
  /** The agent for upstream connections (default Node's global agent for the target's scheme). */
  readonly agent?: http.Agent;
}

/**
 * An HTTP reverse proxy to `target`, Go kit's `transport/httprp`: every request is forwarded
 * with its path and query joined to the target's, its body streamed up and the response's
 * streamed back, hop-by-hop headers removed both ways, `X-Forwarded-For`, `-Host` and `-Proto`
 * set, `Host` set to the target's. A `kit-timeout` header becomes the deadline, and what is left
 * of it goes upstream as `kit-timeout`; trace context headers (`traceparent`, `tracestate`) are
 * end-to-end and cross as they are, or as `@kit/tracing`'s hooks set them in `before`. An
 * upstream that cannot be reached is answered 502 `unavailable`; one that does not answer in
 * time 504 `deadline_exceeded`, both with Kit's JSON error body.
 *
 * @param target - the upstream's base URL
 * @param options - hooks, error handling, the wait bound and the agent
 *
 * @example
 * ```ts
 * http.createServer(proxy("http://127.0.0.1:8081", { before: [(ctx, out) => { out.headers["x-via"] = "gateway"; return ctx; }] })).listen(8080);
 * ```
 */
export function proxy(target: string | URL, options: ProxyOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const base = new URL(target);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError(`proxy target must be http or https, got ${base.protocol}`);
  const observe = observeErrors(options.errorHandler);

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [root, cancelRoot] = withCancel(background());
    let ctx = root;
    let cancel: CancelFunc = cancelRoot;
    let error: KitError | undefined;
    res.once("close", () => {
      if (!res.writableFinished) cancelRoot(new KitError(Code.Canceled, "client disconnected"));
    });
    try {
      const ms = readTimeout(incoming(req));
      if (ms !== undefined) [ctx, cancel] = withTimeout(root, ms);
      const outgoing: ProxyRequest = { url: upstreamUrl(base, req.url ?? "/"), method: req.method ?? "GET", headers: upstreamHeaders(req) };
      outgoing.headers.host = base.host;
      for (const hook of options.before ?? []) ctx = await hook(ctx, outgoing, req);
      writeTimeout(ctx, carrier(outgoing.headers));
      await forward(ctx, { req, res, outgoing, headWait: ms === undefined ? (options.timeout ?? 30_000) : undefined });
    } catch (thrown) {
      error = ctx.signal.aborted ? toKitError(ctx.signal.reason) : toKitError(thrown, Code.Unavailable);
      observe(ctx, error);
      answer(res, error);
    } finally {
      cancel();
    }
    const status = res.headersSent ? res.statusCode : error === undefined ? 200 : 499;
    for (const hook of options.finalizer ?? []) {
      try {
        await hook(ctx, { status, error, request: req });
      } catch (thrown) {
        observe(ctx, toKitError(thrown));
      }
    }
  };

  /**
   * Sends the request upstream and streams the answer back; resolves once the client has it
   * all. Without a deadline, `headWait` bounds the wait for the response's head only: a body may
   * stream for as long as it takes.
   */
  const forward = (ctx: Context, exchange: Exchange): Promise<void> =>
    new Promise((resolve, reject) => {
      const { req, res, outgoing, headWait } = exchange;
      const client = outgoing.url.protocol === "https:" ? https : http;
      const agent = options.agent === undefined ? {} : { agent: options.agent };
      const up = client.request(outgoing.url, { method: outgoing.method, headers: outgoing.headers, signal: ctx.signal, ...agent });
      const timer = headWait === undefined ? undefined : setTimeout(() => up.destroy(new KitError(Code.DeadlineExceeded, `upstream did not answer within ${headWait} ms`)), headWait);
      up.once("error", (err) => {
        clearTimeout(timer);
        reject(err instanceof KitError ? err : upstreamFailure(err, outgoing));
      });
      up.once("response", (answer) => {
        clearTimeout(timer);
        passOn(ctx, answer, res).then(resolve, reject);
      });
      req.pipe(up);
    });

  const passOn = async (ctx: Context, answer: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = endToEnd(answer.headers);
    for (const hook of options.after ?? []) ctx = await hook(ctx, answer, headers);
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
    answer.pipe(res);
    await new Promise<void>((resolve, reject) => {
      res.once("finish", resolve);
      answer.once("error", reject);
      res.once("close", () => {
        answer.destroy();
        resolve();
      });
    });
  };

  return (req, res) => {
    serve(req, res).catch(() => res.destroy());
  };
}

/** One request on its way through the proxy. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly outgoing: ProxyRequest;
  /** How long to wait for the response's head, in ms; `undefined` when the context's deadline bounds it all. */
  readonly headWait: number | undefined;
}

function upstreamFailure(err: Error, outgoing: ProxyRequest): KitError {
  return new KitError(Code.Unavailable, `upstream ${outgoing.url.origin}: ${err.message}`, { cause: err });
}

/** Answers a request the proxy could not carry through: 502 for an upstream failure, 504 for a deadline, as Kit's JSON error body. */
function answer(res: ServerResponse, err: KitError): void {
  if (res.destroyed || err.code === Code.Canceled) return;
  if (res.headersSent) {
    res.destroy(); // a response already under way cannot become an error: cut it
    return;
  }
  const status = err.code === Code.Unavailable ? 502 : err.code === Code.DeadlineExceeded ? 504 : httpStatusFromCode(err.code);
  const body = JSON.stringify({ code: err.code, message: err.message });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);
}

function incoming(req: IncomingMessage): HeaderCarrier {
  return {
    get: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    set: () => undefined,
  };
}

function carrier(headers: OutgoingHttpHeaders): HeaderCarrier {
  return {
    get: (name) => {
      const value = headers[name];
      return value === undefined ? undefined : String(value);
    },
    set: (name, value) => {
      headers[name] = value;
    },
  };
}
