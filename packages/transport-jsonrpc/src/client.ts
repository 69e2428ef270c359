import { Code, KitError, type Context, type Endpoint } from "@kit/endpoint";
import { kitErrorFrom } from "./error-codes.ts";
import { post, type JsonRpcClientOptions } from "./internal/post.ts";
import { version, type JsonRpcError, type JsonRpcId } from "./protocol.ts";

/** Writes the endpoint's request as the call's `params`: an array, an object, or `undefined` for none. */
export type EncodeParams<Req> = (ctx: Context, request: Req) => unknown;

/** Reads the response's `result` into the endpoint's response. */
export type DecodeResult<Res> = (ctx: Context, result: unknown) => Res | Promise<Res>;

/** A remote method as a client calls it: its name and codecs. */
export interface JsonRpcMethod<Req, Res> {
  /** The method's name, such as `"add.sum"`. */
  readonly name: string;
  /** Writes `params`. */
  readonly encode: EncodeParams<Req>;
  /** Reads `result`. */
  readonly decode: DecodeResult<Res>;
}

let nextId = 0;
/** A fresh id for a call: numbers, unique within the process. */
function newId(): number {
  nextId = nextId === Number.MAX_SAFE_INTEGER ? 1 : nextId + 1;
  return nextId;
}

/**
 * A typed {@link Endpoint} that calls `method` on the JSON-RPC server at `url`, Go kit's
 * `jsonrpc.NewClient`. An error response throws a `KitError` with the server's Kit code (from
 * `error.data.code`) or the spec code's meaning (`-32601` → `unimplemented`, …).
 *
 * @param url - the server's URL
 * @param method - the method's name and codecs
 * @param options - hooks, the default wait bound and the fetch to use
 *
 * @example
 * ```ts
 * const sum = client("http://127.0.0.1:8080/rpc", { name: "add.sum", encode: (_ctx, r: SumRequest) => r, decode: (_ctx, v) => v as SumResponse });
 * await sum(ctx, { a: 1, b: 2 }); // { v: 3 }
 * ```
 */
export function client<Req, Res>(url: string | URL, method: JsonRpcMethod<Req, Res>, options: JsonRpcClientOptions = {}): Endpoint<Req, Res> {
  const target = new URL(url);
  return async (ctx, request) => {
    const id = newId();
    const answer = await post(target, ctx, { jsonrpc: version, method: method.name, params: method.encode(ctx, request), id }, options);
    return method.decode(ctx, resultOf(answer, id));
  };
}

/**
 * An {@link Endpoint} that sends `method` as a notification: the server runs it and answers
 * nothing, so the call resolves once the server has accepted the request (a 204), with no
 * result and no error from the method itself.
 *
 * @param url - the server's URL
 * @param method - the method's name and params encoder
 * @param options - hooks, the default wait bound and the fetch to use
 */
export function notifier<Req>(url: string | URL, method: Pick<JsonRpcMethod<Req, unknown>, "name" | "encode">, options: JsonRpcClientOptions = {}): Endpoint<Req, void> {
  const target = new URL(url);
  return async (ctx, request) => {
    await post(target, ctx, { jsonrpc: version, method: method.name, params: method.encode(ctx, request) }, options);
  };
}

/** The `result` of the response with `id`, or its error thrown as a `KitError`. */
export function resultOf(answer: unknown, id: JsonRpcId): unknown {
  const response = answer as { result?: unknown; error?: JsonRpcError; id?: unknown } | null;
  if (typeof response !== "object" || response === null || Array.isArray(response)) {
    throw new KitError(Code.Internal, "the server answered with something that is not a JSON-RPC response");
  }
  if (response.error !== undefined) throw kitErrorFrom(response.error);
  if (response.id !== id) throw new KitError(Code.Internal, `the server answered id ${JSON.stringify(response.id)} to call ${JSON.stringify(id)}`);
  if (!("result" in response)) throw new KitError(Code.Internal, "the server's response has neither result nor error");
  return response.result;
}
