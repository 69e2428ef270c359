import type { Context } from "./context.ts";

/**
 * The unit of work in Kit, Go kit's `endpoint.Endpoint`: one request in, one response out,
 * with a {@link Context}. Servers wrap an endpoint; clients are endpoints.
 *
 * @example
 * ```ts
 * const sum: Endpoint<{ a: number; b: number }, { v: number }> =
 *   async (_ctx, { a, b }) => ({ v: await svc.sum(a, b) });
 * ```
 */
export type Endpoint<Req, Res> = (ctx: Context, request: Req) => Promise<Res>;

/** An endpoint that answers one request with a stream of responses (gRPC server streaming). */
export type ServerStreamEndpoint<Req, Res> = (ctx: Context, request: Req) => AsyncIterable<Res>;

/** An endpoint that reads a stream of requests and answers once (gRPC client streaming). */
export type ClientStreamEndpoint<Req, Res> = (ctx: Context, requests: AsyncIterable<Req>) => Promise<Res>;

/** An endpoint that reads a stream of requests and writes a stream of responses (bidirectional). */
export type BidiStreamEndpoint<Req, Res> = (ctx: Context, requests: AsyncIterable<Req>) => AsyncIterable<Res>;
