import { background, toKitError, untilAborted, withCancel, withDeadline, type CancelFunc, type Context, type Endpoint, type KitError } from "@kit/endpoint";
import { publicError, type ErrorHandler } from "@kit/transport";
import { observeErrors, readTimeout } from "@kit/transport/driver";
import { encodeError, type ErrorEncoder } from "./error-encoder.ts";
import { parseEvent } from "./internal/parse-event.ts";
import { render } from "./internal/render.ts";
import { invocationDeadline, type InvocationContext } from "./invocation.ts";
import type { LambdaRequest } from "./request.ts";
import { newResponse, type LambdaResponse } from "./response.ts";
import type { LambdaResult } from "./result.ts";

/**
 * Turns the request into the endpoint's request, Go kit's `DecodeRequestFunc`. A thrown
 * `KitError` is answered with its code; throw `invalid_argument` for bad input.
 */
export type DecodeRequest<Req> = (ctx: Context, req: LambdaRequest) => Req | Promise<Req>;

/** Writes the endpoint's response, Go kit's `EncodeResponseFunc`. */
export type EncodeResponse<Res> = (ctx: Context, res: LambdaResponse, response: Res) => void | Promise<void>;

/**
 * Runs before decoding, Go kit's `RequestFunc`: reads the request (headers, the event's
 * `requestContext`) into the context it returns. Throwing fails the request like a decode
 * error, so a hook can refuse one (say, `unauthenticated`).
 */
export type ServerBefore = (ctx: Context, req: LambdaRequest) => Context | Promise<Context>;

/**
 * Runs after the endpoint succeeds and before encoding, Go kit's `ServerResponseFunc`: sets
 * response headers (or the status) and returns the context.
 */
export type ServerAfter = (ctx: Context, res: LambdaResponse) => Context | Promise<Context>;

/** What a {@link ServerFinalizer} learns about a finished invocation. */
export interface ServerOutcome {
  /** The status answered. */
  readonly status: number;
  /** The error, when the request failed; `undefined` on success. */
  readonly error: KitError | undefined;
  /** The request; `undefined` when the event was malformed. */
  readonly request: LambdaRequest | undefined;
  /** The response. */
  readonly response: LambdaResponse;
}

/**
 * Runs at the end of every invocation, whatever happened, Go kit's `ServerFinalizerFunc`: for
 * access logs and metrics. Anything it throws goes to the error handler.
 */
export type ServerFinalizer = (ctx: Context, outcome: ServerOutcome) => void | Promise<void>;

/** Options for {@link server}, with the names `@kit/transport-http`'s server uses. */
export interface ServerOptions {
  /** Hooks run in order before decoding; each returns the context the next one gets. */
  readonly before?: readonly ServerBefore[];
  /** Hooks run in order after the endpoint succeeds, before encoding. */
  readonly after?: readonly ServerAfter[];
  /** Writes errors to the response; defaults to {@link encodeError}. */
  readonly errorEncoder?: ErrorEncoder;
  /** Observes every error (malformed event, decode, endpoint, encode), with its real text; defaults to doing nothing. */
  readonly errorHandler?: ErrorHandler;
  /** Hooks run at the end of every invocation, successful or not. */
  readonly finalizer?: readonly ServerFinalizer[];
  /**
   * Send the text of an error that is not a `KitError` to the caller (default `false`: it is
   * answered `internal`, 500, with the message `internal error`; see `publicError`).
   */
  readonly exposeErrors?: boolean;
  /**
   * Milliseconds kept back from the invocation's remaining time (default 100): the context's
   * deadline is that much before Lambda would stop the function, so a request that runs out of
   * time is still answered 504 rather than cut off.
   */
  readonly reserve?: number;
}

/** A Lambda handler for API Gateway (REST and HTTP APIs), ALB and function URL events. */
export type HttpHandler = (event: unknown, context?: InvocationContext) => Promise<LambdaResult>;

/**
 * Serves an endpoint as an AWS Lambda handler for API Gateway REST API (payload 1.0) and HTTP
 * API (payload 2.0) events, ALB target events and function URLs, Go kit's `awslambda.NewHandler`
 * with `@kit/transport-http`'s behaviour.
 *
 * For each invocation: the event is read into a {@link LambdaRequest} (a malformed event is a
 * 400 `invalid_argument` naming the field); the context's deadline is the invocation's
 * remaining time (`context.getRemainingTimeInMillis()` less `reserve`), or a `kit-timeout`
 * header's if that is sooner (a malformed one is a 400); the `before` hooks run; `decode`
 * reads the request; the endpoint runs; the `after` hooks run; `encode` writes the response.
 * On any error the `errorHandler` observes it and the `errorEncoder` writes it, a non-Kit
 * error as `internal` (`publicError`). The `finalizer` hooks always run last. When the
 * deadline passes the server answers 504 at once, without waiting for the endpoint. The
 * returned promise never rejects.
 *
 * @param endpoint - the endpoint to serve
 * @param decode - turns the request into the endpoint's request, such as {@link decodeJSON}
 * @param encode - writes the endpoint's response, such as {@link encodeJSON}
 * @param options - hooks, error handling and the time kept back
 *
 * @example
 * ```ts
 * const sum: Endpoint<{ a: number; b: number }, { v: number }> = async (_ctx, { a, b }) => ({ v: a + b });
 * export const handler = server(sum, decodeJSON(SumRequest), encodeJSON);
 * ```
 */
export function server<Req, Res>(
  endpoint: Endpoint<Req, Res>,
  decode: DecodeRequest<Req>,
  encode: EncodeResponse<Res>,
  options: ServerOptions = {},
): HttpHandler {
  const { before = [], after = [], finalizer = [], exposeErrors = false, reserve = 100 } = options;
  if (!(reserve >= 0)) throw new RangeError(`reserve must be milliseconds, got ${reserve}`);
  const errorEncoder = options.errorEncoder ?? encodeError;
  const observe = observeErrors(options.errorHandler);

  /** The error's answer, in a response of its own: nothing of a half-written success (or one an abandoned endpoint still writes) goes out with it. */
  const answer = async (ctx: Context, error: KitError, thrown: unknown): Promise<LambdaResponse> => {
    observe(ctx, error);
    const visible = publicError(thrown, exposeErrors);
    const res = newResponse();
    try {
      await errorEncoder(ctx, visible, res);
    } catch (encoding) {
      observe(ctx, toKitError(encoding));
      const fresh = newResponse();
      encodeError(ctx, visible, fresh);
      return fresh;
    }
    return res;
  };

  return async (event, context) => {
    const [base, cancelBase] = withCancel(background());
    let cancel: CancelFunc = cancelBase;
    let ctx = base;
    let request: LambdaRequest | undefined;
    let error: KitError | undefined;
    let res = newResponse();
    try {
      try {
        request = parseEvent(event, context);
        const req = request;
        const out = res;
        [ctx, cancel] = withDeadlines(base, cancelBase, req, context, reserve);
        await untilAborted(ctx.signal, async () => {
          for (const hook of before) ctx = await hook(ctx, req);
          const decoded = await decode(ctx, req);
          const response = await endpoint(ctx, decoded);
          if (ctx.signal.aborted) throw ctx.signal.reason as Error; // answered already: write nothing
          for (const hook of after) ctx = await hook(ctx, out);
          await encode(ctx, out, response);
        });
      } catch (thrown) {
        error = toKitError(thrown);
        res = await answer(ctx, error, thrown);
      }
      for (const hook of finalizer) {
        try {
          await hook(ctx, { status: res.statusCode, error, request, response: res });
        } catch (thrown) {
          observe(ctx, toKitError(thrown));
        }
      }
      return render(res, request?.kind, request?.event.multiValueHeaders != null);
    } finally {
      cancel();
    }
  };
}

const noop = (): void => undefined;

/** The request's context: the invocation's deadline, or the caller's `kit-timeout` if sooner. */
// eslint-disable-next-line max-params -- the two halves of the base context, and what sets the deadline
function withDeadlines(base: Context, cancelBase: CancelFunc, request: LambdaRequest, context: unknown, reserve: number): [Context, CancelFunc] {
  const invocation = invocationDeadline(context, reserve);
  const ms = readTimeout(request.headers);
  const caller = ms === undefined ? undefined : Date.now() + ms;
  const deadline = invocation === undefined ? caller : caller === undefined ? invocation : Math.min(invocation, caller);
  if (deadline === undefined) return [base, cancelBase];
  const [ctx, cancelTimed] = withDeadline(base, deadline);
  // The context's timer does not hold the process open; in Lambda's runtime, an endpoint waiting
  // on nothing else would let the process exit mid-invocation. This one keeps it until the answer.
  const hold = setTimeout(noop, Math.max(0, deadline - Date.now()) + 1_000);
  return [ctx, (reason) => {
    clearTimeout(hold);
    cancelTimed(reason);
    cancelBase(reason);
  }];
}
