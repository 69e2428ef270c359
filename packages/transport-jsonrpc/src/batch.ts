import { Code, KitError, type Context } from "@kit/endpoint";
import { resultOf, type JsonRpcMethod } from "./client.ts";
import { kitErrorFrom } from "./error-codes.ts";
import { post, type JsonRpcClientOptions } from "./internal/post.ts";
import { version, type JsonRpcError } from "./protocol.ts";

/** One call in a batch: a method and its request, made with {@link call}. */
export interface BatchCall<Req, Res> {
  /** The method. */
  readonly method: JsonRpcMethod<Req, Res>;
  /** The request. */
  readonly request: Req;
}

/**
 * A call to put in a {@link batch}.
 *
 * @param method - the method's name and codecs
 * @param request - the request
 */
export function call<Req, Res>(method: JsonRpcMethod<Req, Res>, request: Req): BatchCall<Req, Res> {
  return { method, request };
}

/** Any {@link BatchCall}, whatever its types: what a batch needs of a call. */
export interface AnyBatchCall {
  /** The method, seen only through its name and codecs. */
  readonly method: JsonRpcMethod<never, unknown>;
  /** The request. */
  readonly request: unknown;
}

/** A call whose method answers `Res`: how {@link BatchResults} reads a call's response type. */
export interface CallAnswering<Res> {
  /** The method. */
  readonly method: JsonRpcMethod<never, Res>;
}

/** What a batch gives back: each call's outcome, in the order of the calls. */
export type BatchResults<C extends readonly AnyBatchCall[]> = {
  -readonly [K in keyof C]: C[K] extends CallAnswering<infer Res> ? PromiseSettledResult<Res> : never;
};

/**
 * Sends several calls in one request, JSON-RPC's batch, and gives each call's outcome in the
 * order of the calls (whatever order the server answers in): fulfilled with the decoded
 * result, or rejected with the call's `KitError`. The whole batch rejects only when the
 * request itself fails (the server cannot be reached, the deadline passes).
 *
 * @param url - the server's URL
 * @param options - hooks, the default wait bound and the fetch to use
 *
 * @example
 * ```ts
 * const send = batch("http://127.0.0.1:8080/rpc");
 * const [sum, concat] = await send(ctx, [call(sumMethod, { a: 1, b: 2 }), call(concatMethod, { a: "1", b: "2" })]);
 * ```
 */
export function batch(url: string | URL, options: JsonRpcClientOptions = {}): <const C extends readonly AnyBatchCall[]>(ctx: Context, calls: C) => Promise<BatchResults<C>> {
  const target = new URL(url);
  return async <const C extends readonly AnyBatchCall[]>(ctx: Context, calls: C): Promise<BatchResults<C>> => {
    // Ids need only be unique within the batch: the call's place, from 1.
    const requests = calls.map((entry, i) => {
      const encode = entry.method.encode as (ctx: Context, request: unknown) => unknown;
      return { jsonrpc: version, method: entry.method.name, params: encode(ctx, entry.request), id: i + 1 };
    });
    const answer = await post(target, ctx, requests, options);
    if (!Array.isArray(answer)) {
      const error = (answer as { error?: JsonRpcError } | null)?.error;
      throw error === undefined ? new KitError(Code.Internal, "the server answered a batch with something that is not an array") : kitErrorFrom(error);
    }
    const byId = new Map((answer as { id?: unknown }[]).map((response) => [response.id, response]));
    const settled = calls.map(async (entry, i) => {
      const id = i + 1;
      if (!byId.has(id)) throw new KitError(Code.Internal, `the server's batch answer has no response to call ${id}`);
      return await entry.method.decode(ctx, resultOf(byId.get(id), id));
    });
    return (await Promise.allSettled(settled)) as BatchResults<C>;
  };
}
