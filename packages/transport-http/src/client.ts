import { isKitError, KitError, toKitError, Code, type Context, type Endpoint } from "@kit/endpoint";
import { defaultReplyTimeout, writeTimeout } from "@kit/transport/driver";
import { decodeError, type ErrorDecoder } from "./error-decoder.ts";
import { callSignal, checkTimeout, type CallSignal } from "./internal/call-signal.ts";
import { withBoundedBody } from "./internal/error-body.ts";

/**
 * The HTTP request a {@link client} is about to send, built by the encoder and the `before`
 * hooks (Go kit's `*http.Request` before `Do`).
 */
export interface OutgoingRequest {
  /** The HTTP method given to {@link client}. */
  readonly method: string;
  /** Where the request goes; a copy of the client's URL that the encoder may change (path, query). */
  url: URL;
  /** The request's headers; `kit-timeout` is added after the `before` hooks. */
  readonly headers: Headers;
  /** The request's body; `undefined` for none. */
  body: RequestInit["body"];
}

/**
 * Puts the endpoint's request into the outgoing HTTP request (body, headers, URL), Go kit's
 * `EncodeRequestFunc`.
 */
export type EncodeRequest<Req> = (ctx: Context, request: Req, outgoing: OutgoingRequest) => void | Promise<void>;

/**
 * Reads a successful (2xx) response into the endpoint's response, Go kit's
 * `DecodeResponseFunc`. Other statuses go to the client's {@link ErrorDecoder}.
 */
export type DecodeResponse<Res> = (ctx: Context, response: Response) => Res | Promise<Res>;

/**
 * Runs after encoding, before sending, Go kit's `RequestFunc` on a client: sets headers
 * (credentials, trace context) and returns the context.
 */
export type ClientBefore = (ctx: Context, outgoing: OutgoingRequest) => Context | Promise<Context>;

/**
 * Runs on every response received (error statuses too), before decoding, Go kit's
 * `ClientResponseFunc`: reads response headers into the context it returns.
 */
export type ClientAfter = (ctx: Context, response: Response) => Context | Promise<Context>;

/** What a {@link ClientFinalizer} learns about a finished call. */
export interface ClientOutcome {
  /** The response's status; `undefined` when no response came (network failure, cancel). */
  readonly status: number | undefined;
  /** The error the call failed with; `undefined` on success. */
  readonly error: KitError | undefined;
}

/**
 * Runs at the end of every call, whatever happened, Go kit's `ClientFinalizerFunc`: for
 * metrics and logs. What it throws is ignored.
 */
export type ClientFinalizer = (ctx: Context, outcome: ClientOutcome) => void | Promise<void>;

/** Options for {@link client}, with the Go kit names every Kit transport uses. */
export interface ClientOptions {
  /** Hooks run in order after encoding, before the request is sent. */
  readonly before?: readonly ClientBefore[];
  /** Hooks run in order on every response, before decoding. */
  readonly after?: readonly ClientAfter[];
  /** Hooks run at the end of every call, successful or not. */
  readonly finalizer?: readonly ClientFinalizer[];
  /**
   * Turns a response that is not 2xx into the call's error; defaults to {@link decodeError}
   * (a Kit error body, else the status). Its response's body stops after 64 KiB.
   */
  readonly errorDecoder?: ErrorDecoder;
  /**
   * How long a call whose context has no deadline waits for its whole answer, in milliseconds
   * (default `defaultReplyTimeout`, 30 000, like every Kit requester); it then fails
   * `deadline_exceeded`. Caller's side only: it is never sent as `kit-timeout`, only a context's
   * deadline is.
   */
  readonly timeout?: number;
  /** The fetch to send with; defaults to Node's global `fetch` (undici). */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Calls a remote endpoint over HTTP, Go kit's `http.NewClient`: the result is itself an
 * {@link Endpoint}, so client-side middleware (retry, circuit breaker, tracing)
 * wraps it like any other.
 *
 * Each call: `encode` builds the request; the `before` hooks run; the time left before the
 * context's deadline is sent as `kit-timeout`; the request goes out with `fetch`, aborted when
 * the context is canceled (or, when the context has no deadline, after the client's `timeout`,
 * 30 s by default); the `after` hooks see the response; a 2xx is read by `decode`,
 * anything else by the `errorDecoder` into the {@link KitError} the call fails with (by
 * default {@link decodeError}: the code from a Kit error body, or from the status for other
 * servers); the `finalizer` hooks run last. A network failure
 * is `unavailable`; a canceled context `canceled`; a passed deadline `deadline_exceeded`.
 *
 * @param method - the HTTP method, such as `"POST"`
 * @param url - the endpoint's URL
 * @param encode - puts the request into the HTTP request, such as {@link encodeJSONRequest}
 * @param decode - reads a successful response, such as {@link decodeJSONResponse}
 * @param options - hooks, the error decoder, the wait bound without a deadline (`timeout`) and the fetch to use
 *
 * @example
 * ```ts
 * const sum = client("POST", "http://127.0.0.1:8080/sum", encodeJSONRequest, decodeJSONResponse<{ v: number }>());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try { console.log(await sum(ctx, { a: 1, b: 2 })); } finally { cancel(); }
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewClient(method, url, enc, dec, options...), as the transport contract spells it
export function client<Req, Res>(
  method: string,
  url: string | URL,
  encode: EncodeRequest<Req>,
  decode: DecodeResponse<Res>,
  options: ClientOptions = {},
): Endpoint<Req, Res> {
  const { before = [], after = [], finalizer = [], errorDecoder = decodeError } = options;
  const timeout = checkTimeout(options.timeout ?? defaultReplyTimeout);
  const target = new URL(url);

  return async (ctx, request) => {
    let current = ctx;
    let status: number | undefined;
    let error: KitError | undefined;
    let call: CallSignal | undefined;
    try {
      if (ctx.signal.aborted) throw ctx.signal.reason as Error;
      const outgoing: OutgoingRequest = { method, url: new URL(target), headers: new Headers(), body: undefined };
      await encode(current, request, outgoing);
      for (const hook of before) current = await hook(current, outgoing);
      writeTimeout(current, outgoing.headers);
      call = callSignal(current, timeout);
      const { signal } = call;
      let response: Response;
      try {
        // Looked up per call, so a fetch instrumented or replaced after the client was made is used.
        response = await (options.fetch ?? globalThis.fetch)(outgoing.url, {
          method,
          headers: outgoing.headers,
          body: outgoing.body ?? null,
          signal,
          duplex: "half", // needed for a stream body, harmless for the others
        });
      } catch (err) {
        if (signal.aborted) throw signal.reason as Error;
        throw unreachable(err, outgoing);
      }
      status = response.status;
      try {
        for (const hook of after) current = await hook(current, response);
        if (!response.ok) throw await decodeFailure(current, response, errorDecoder);
        return await decode(current, response);
      } finally {
        if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined);
      }
    } catch (err) {
      const signal = call?.signal ?? current.signal;
      error = signal.aborted && !isKitError(err) ? toKitError(signal.reason) : toKitError(err);
      throw error;
    } finally {
      call?.end();
      const outcome: ClientOutcome = { status, error };
      for (const hook of finalizer) {
        try {
          await hook(current, outcome);
        } catch {
          // a finalizer only observes; its failure must not change the call's result
        }
      }
    }
  };
}

/** What the error decoder makes of a response that is not 2xx, given at most 64 KiB of its body. */
async function decodeFailure(ctx: Context, response: Response, errorDecoder: ErrorDecoder): Promise<unknown> {
  const bounded = withBoundedBody(response);
  try {
    return await errorDecoder(ctx, bounded);
  } finally {
    await bounded.body?.cancel().catch(() => undefined); // whatever the decoder left unread
  }
}

function unreachable(err: unknown, outgoing: OutgoingRequest): KitError {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new KitError(Code.Unavailable, `${outgoing.method} ${outgoing.url.origin}${outgoing.url.pathname}: ${reason}`, { cause: err });
}
