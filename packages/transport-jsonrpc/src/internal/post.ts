import { Code, isKitError, KitError, toKitError, withCancel, withTimeout, type Context } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";
import { defaultReplyTimeout, writeTimeout } from "@kit/transport/driver";
import { contentType } from "../protocol.ts";

/** Runs before a call is sent, Go kit's `ClientBefore`: sets headers, returns the context. */
export type JsonRpcClientBefore = (ctx: Context, headers: Headers) => Context | Promise<Context>;

/** Runs on the HTTP response before its body is read, Go kit's `ClientAfter`: reads headers, returns the context. */
export type JsonRpcClientAfter = (ctx: Context, response: Response) => Context | Promise<Context>;

/** Runs at the end of every call, whatever happened; what it throws is ignored. */
export type JsonRpcClientFinalizer = (ctx: Context, outcome: { readonly error: KitError | undefined }) => void | Promise<void>;

/** Options for {@link client}, {@link notifier} and {@link batch}. */
export interface JsonRpcClientOptions {
  /** Hooks run in order before the request is sent. */
  readonly before?: readonly JsonRpcClientBefore[];
  /** Hooks run in order on the HTTP response. */
  readonly after?: readonly JsonRpcClientAfter[];
  /** Hooks run at the end of every call. */
  readonly finalizer?: readonly JsonRpcClientFinalizer[];
  /** How long a call waits for its answer when the context has no deadline, in ms (default 30 000). */
  readonly timeout?: number;
  /** The fetch to send with; defaults to Node's global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * POSTs one JSON-RPC body and resolves with the parsed answer (`undefined` for 204), running
 * the hooks. A server that cannot be reached is `unavailable`; a non-2xx answer without a
 * JSON-RPC error the code of its status; an answer that is not JSON `internal`; the context's
 * end `canceled` or `deadline_exceeded`; no answer within `timeout` `deadline_exceeded`.
 */
export async function post(url: URL, ctx: Context, body: unknown, options: JsonRpcClientOptions): Promise<unknown> {
  // A context of the call's own, canceled when the call ends: fetch keeps its abort listener on
  // the signal it is given until the request is collected, so it must not be the caller's.
  const [bounded, cancel] = ctx.deadline === undefined ? withTimeout(ctx, options.timeout ?? defaultReplyTimeout) : withCancel(ctx);
  let current = bounded;
  let error: KitError | undefined;
  try {
    if (current.signal.aborted) throw current.signal.reason as Error;
    const headers = new Headers({ "content-type": contentType, accept: "application/json" });
    for (const hook of options.before ?? []) current = await hook(current, headers);
    if (ctx.deadline !== undefined) writeTimeout(current, headers);
    const response = await send(url, current, { headers, body: JSON.stringify(body) }, options);
    for (const hook of options.after ?? []) current = await hook(current, response);
    return await readAnswer(url, response);
  } catch (thrown) {
    error = current.signal.aborted && !isKitError(thrown) ? toKitError(current.signal.reason) : toKitError(thrown);
    throw error;
  } finally {
    cancel();
    for (const hook of options.finalizer ?? []) {
      try {
        await hook(current, { error });
      } catch {
        // a finalizer only observes
      }
    }
  }
}

async function send(url: URL, ctx: Context, request: { headers: Headers; body: string }, options: JsonRpcClientOptions): Promise<Response> {
  try {
    return await (options.fetch ?? globalThis.fetch)(url, { method: "POST", ...request, signal: ctx.signal });
  } catch (thrown) {
    if (ctx.signal.aborted) throw ctx.signal.reason as Error;
    const cause = thrown instanceof Error && thrown.cause instanceof Error ? thrown.cause : thrown;
    throw new KitError(Code.Unavailable, `POST ${url.origin}${url.pathname}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause: thrown });
  }
}

async function readAnswer(url: URL, response: Response): Promise<unknown> {
  const text = await response.text();
  if (response.status === 204 && text === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const code = response.ok ? Code.Internal : codeFromHttpStatus(response.status);
    throw new KitError(code, `${url.pathname}: answered ${response.status} with a body that is not JSON-RPC: ${JSON.stringify(text.slice(0, 200))}`);
  }
  return parsed;
}
