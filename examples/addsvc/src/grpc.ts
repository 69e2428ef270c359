// The gRPC transport of addsvc, Go kit's pkg/addtransport/grpc.go: the server side (Sum and
// Concat with Go kit's proto, so a Go kit gRPC client works unchanged, plus two streaming
// methods) and the client side (an AddClient with the streaming methods beside it).
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { Code, KitError, type BidiStreamEndpoint, type Context, type Endpoint, type ServerStreamEndpoint } from "@kit/endpoint";
import { logErrorHandler } from "@kit/transport";
import {
  bidiStream,
  bidiStreamClient,
  bindService,
  client,
  server,
  serverStream,
  serverStreamClient,
  type ClientOptions,
  type ServerOptions,
} from "@kit/transport-grpc";
import {
  clientFromEndpoints,
  failed,
  type AddClient,
  type ConcatRequest,
  type ConcatResponse,
  type EndpointSet,
  type SumRequest,
  type SumResponse,
} from "./endpoints.ts";
import type { Logger } from "./middleware.ts";
import { ErrorMessage } from "./service.ts";

/** Where addsvc's `.proto` is: Go kit's `pb.Add` with Kit's two streaming methods. */
export const protoPath: string = fileURLToPath(new URL("../proto/addsvc.proto", import.meta.url));

// int64 fields arrive as decimal strings (`longs: String`), the one form that keeps every
// int64 exact; decodeInt turns them into numbers. `defaults: true` gives absent fields their
// zero value, as Go's generated structs have.
const pkg = protoLoader.loadSync(protoPath, { longs: String, enums: String, defaults: true });

/** The `pb.Add` service definition (as proto-loader loads it). */
export const AddService = pkg["pb.Add"] as grpc.ServiceDefinition;

/** `pb.SumRequest` as proto-loader gives it: int64 as a decimal string. */
interface PbSumRequest {
  readonly a: string | number;
  readonly b: string | number;
}
/** `pb.SumReply`. */
interface PbSumReply {
  readonly v: string | number;
  readonly err: string;
}
/** `pb.ConcatRequest`. */
interface PbConcatRequest {
  readonly a: string;
  readonly b: string;
}
/** `pb.ConcatReply`. */
interface PbConcatReply {
  readonly v: string;
  readonly err: string;
}
/** `pb.RunningSumsRequest`. */
interface PbRunningSumsRequest {
  readonly values: readonly (string | number)[];
}

const methods = {
  Sum: AddService.Sum as grpc.MethodDefinition<PbSumRequest, PbSumReply>,
  Concat: AddService.Concat as grpc.MethodDefinition<PbConcatRequest, PbConcatReply>,
  RunningSums: AddService.RunningSums as grpc.MethodDefinition<PbRunningSumsRequest, PbSumReply>,
  SumEach: AddService.SumEach as grpc.MethodDefinition<PbSumRequest, PbSumReply>,
};

/** The request of RunningSums: the values to add up, in order. */
export interface RunningSumsRequest {
  /** The values; each step is a Sum of the running total and the next value. */
  readonly values: readonly number[];
}

/**
 * The RunningSums endpoint over a Sum endpoint: for each value, the Sum of the running total
 * so far (0 at the start) and the value, so Sum's rules, middleware (logging, metrics) and
 * business errors apply to every step. A reply that carries a business error is the last.
 * Stops when the context is canceled.
 *
 * @param sumEndpoint - the Sum endpoint, typically `newEndpointSet(…).sumEndpoint`
 *
 * @example
 * ```ts
 * for await (const { v } of runningSumsEndpoint(sumEndpoint)(ctx, { values: [1, 2, 3] })) console.log(v); // 1 3 6
 * ```
 */
export function runningSumsEndpoint(sumEndpoint: Endpoint<SumRequest, SumResponse>): ServerStreamEndpoint<RunningSumsRequest, SumResponse> {
  return async function* (ctx, { values }) {
    let total = 0;
    for (const value of values) {
      if (ctx.signal.aborted) return;
      const response = await sumEndpoint(ctx, { a: total, b: value });
      yield response;
      if (failed(response) !== undefined) return;
      total = response.v;
    }
  };
}

/**
 * The SumEach endpoint over a Sum endpoint: each request of the stream is answered with its
 * Sum as soon as it is read, business errors inside the response, until the requests end.
 *
 * @param sumEndpoint - the Sum endpoint, typically `newEndpointSet(…).sumEndpoint`
 */
export function sumEachEndpoint(sumEndpoint: Endpoint<SumRequest, SumResponse>): BidiStreamEndpoint<SumRequest, SumResponse> {
  return async function* (ctx, requests) {
    for await (const request of requests) yield await sumEndpoint(ctx, request);
  };
}

/** What {@link grpcService} needs besides the endpoints. */
export interface GrpcServiceOptions {
  /** Gets one line for every error the transport answers (bad input, bugs). */
  readonly logger: Logger;
}

/**
 * Adds addsvc to your grpc-js server, Go kit's `addtransport.NewGRPCServer`: `pb.Add` with
 * Sum and Concat exactly as Go kit serves them, plus RunningSums (server streaming) and
 * SumEach (bidirectional).
 *
 * - **Requests**: int64 fields are read exactly and become numbers; one beyond JavaScript's
 *   safe integers (±2^53) reaches the service as it is, which answers the business error
 *   `sum arguments must be safe integers` (as the HTTP transport does for such JSON numbers).
 *   A message that does not decode is `INVALID_ARGUMENT`.
 * - **Business errors** go in the reply's `err` field with `v` zero, as Go kit's `err2str`
 *   does, with status OK: `{ v: 0, err: "can't sum two zeroes" }`.
 * - **Other errors** (bugs) are a gRPC status, `INTERNAL`, and are logged through
 *   `logErrorHandler(logger)`.
 *
 * @param grpcServer - your grpc-js server
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger for transport errors
 *
 * @example
 * ```ts
 * const grpcServer = new grpc.Server();
 * grpcService(grpcServer, newEndpointSet(newBasicService(), { logger, metrics }), { logger });
 * grpcServer.bindAsync("127.0.0.1:8082", grpc.ServerCredentials.createInsecure(), () => {});
 * ```
 */
export function grpcService(grpcServer: grpc.Server, endpoints: EndpointSet, options: GrpcServiceOptions): void {
  const serverOptions: ServerOptions = { errorHandler: logErrorHandler(options.logger) };
  bindService(grpcServer, AddService, {
    Sum: server(endpoints.sumEndpoint, decodeGRPCSumRequest, encodeGRPCSumReply, serverOptions),
    Concat: server(endpoints.concatEndpoint, decodeGRPCConcatRequest, encodeGRPCConcatReply, serverOptions),
    RunningSums: serverStream(runningSumsEndpoint(endpoints.sumEndpoint), decodeGRPCRunningSumsRequest, encodeGRPCSumReply, serverOptions),
    SumEach: bidiStream(sumEachEndpoint(endpoints.sumEndpoint), decodeGRPCSumRequest, encodeGRPCSumReply, serverOptions),
  });
}

/** Where and how {@link startGrpc} serves. */
export interface StartGrpcOptions {
  /** The address to listen on; default `"127.0.0.1"`. */
  readonly host?: string;
  /** The port to listen on; default `8082`, Go kit's addsvc gRPC port; `0` picks a free one. */
  readonly port?: number;
  /** Gets the startup line and one line per transport error. */
  readonly logger: Logger;
  /** How long {@link GrpcApp.close} waits for calls in flight before cutting them; default 5000 ms. */
  readonly shutdownGraceMs?: number;
}

/** A running addsvc gRPC server, as {@link startGrpc} returns it. */
export interface GrpcApp {
  /** The address it listens on, `host:port`, such as `127.0.0.1:8082`: a gRPC target. */
  readonly addr: string;
  /**
   * Shuts down gracefully: no new calls, the ones in flight finish; whatever is still open
   * after the grace period is cut. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/**
 * Serves addsvc over gRPC on a grpc-js server of its own, without TLS (insecure credentials,
 * for loopback and examples), and logs `transport=gRPC addr=<host:port>` once it listens.
 *
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - host, port, logger, shutdown grace period
 *
 * @example
 * ```ts
 * const grpcApp = await startGrpc(endpoints, { port: 0, logger });
 * const svc = grpcClient(grpcApp.addr);
 * await svc.sum(ctx, 1, 2); // 3
 * svc.close();
 * await grpcApp.close();
 * ```
 */
export async function startGrpc(endpoints: EndpointSet, options: StartGrpcOptions): Promise<GrpcApp> {
  const { host = "127.0.0.1", port = 8082, logger, shutdownGraceMs = 5_000 } = options;
  const grpcServer = new grpc.Server();
  grpcService(grpcServer, endpoints, { logger });
  const hostPart = host.includes(":") ? `[${host}]` : host;
  const bound = await new Promise<number>((resolve, reject) => {
    grpcServer.bindAsync(`${hostPart}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err === null) resolve(p);
      else reject(err);
    });
  });
  const addr = `${hostPart}:${bound}`;
  logger.log("transport", "gRPC", "addr", addr);
  let closing: Promise<void> | undefined;
  return {
    addr,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          grpcServer.forceShutdown();
          resolve();
        }, shutdownGraceMs);
        grpcServer.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}

/** An {@link AddClient} over gRPC, with addsvc's streaming methods and a way to close it. */
export interface GrpcAddClient extends AddClient {
  /**
   * The running totals of `values`, one per value, as the server sends them. A business error
   * (say `integer overflow`) is thrown as a `KitError` after the totals before it.
   */
  runningSums(ctx: Context, values: readonly number[]): AsyncIterable<number>;
  /**
   * Sends each pair as the iterable gives it and yields each answer as it arrives, both at
   * once: `{ v }`, or `{ v: 0, err }` for a business error (read it with `failed`), which does
   * not end the stream.
   */
  sumEach(ctx: Context, pairs: AsyncIterable<SumRequest>): AsyncIterable<SumResponse>;
  /** Closes the client's channel. */
  close(): void;
}

/**
 * An {@link AddClient} that calls an addsvc gRPC server (this one or Go kit's, for Sum and
 * Concat), Go kit's `addtransport.NewGRPCClient`, without TLS. The context's deadline goes
 * out as `grpc-timeout` and a canceled context cancels the call. A business error in the reply's
 * `err` is thrown as a `KitError` with the code this port gives it (`invalid_argument` for
 * "can't sum two zeroes", `out_of_range` for the other two); a failed call throws the code of
 * its gRPC status (`unavailable` when no server answers).
 *
 * @param target - the server, such as `"127.0.0.1:8082"`
 * @param options - `@kit/transport-grpc` client options (hooks, call options) for every method
 *
 * @example
 * ```ts
 * const svc = grpcClient("127.0.0.1:8082");
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try {
 *   await svc.sum(ctx, 2, 3); // 5
 *   for await (const total of svc.runningSums(ctx, [1, 2, 3])) console.log(total); // 1 3 6
 * } finally {
 *   cancel();
 *   svc.close();
 * }
 * ```
 */
export function grpcClient(target: string, options: ClientOptions = {}): GrpcAddClient {
  const conn = new grpc.Client(target, grpc.credentials.createInsecure());
  const running = serverStreamClient(conn, methods.RunningSums, encodeGRPCRunningSumsRequest, decodeGRPCSumReply, options);
  const each = bidiStreamClient(conn, methods.SumEach, encodeGRPCSumRequest, decodeGRPCSumReply, options);
  return {
    ...clientFromEndpoints(
      client(conn, methods.Sum, encodeGRPCSumRequest, decodeGRPCSumReply, options),
      client(conn, methods.Concat, encodeGRPCConcatRequest, decodeGRPCConcatReply, options),
    ),
    async *runningSums(ctx, values) {
      for await (const response of running(ctx, { values })) {
        const err = failed(response);
        if (err !== undefined) throw err;
        yield response.v;
      }
    },
    sumEach: (ctx, pairs) => each(ctx, pairs),
    close() {
      conn.close();
    },
  };
}

/** An int64 as proto-loader gives it (a decimal string) as a number; beyond ±2^53 it is not exact, and the service refuses it. */
function decodeInt(value: string | number): number {
  return Number(value);
}

/** Go kit's `decodeGRPCSumRequest`: `int(req.A), int(req.B)`. */
function decodeGRPCSumRequest(_ctx: Context, message: PbSumRequest): SumRequest {
  return { a: decodeInt(message.a), b: decodeInt(message.b) };
}

/** Go kit's `decodeGRPCConcatRequest`. */
function decodeGRPCConcatRequest(_ctx: Context, message: PbConcatRequest): ConcatRequest {
  return { a: message.a, b: message.b };
}

function decodeGRPCRunningSumsRequest(_ctx: Context, message: PbRunningSumsRequest): RunningSumsRequest {
  return { values: message.values.map(decodeInt) };
}

/** Go kit's `encodeGRPCSumResponse`: `{V, Err: err2str(err)}`. */
function encodeGRPCSumReply(_ctx: Context, response: SumResponse): PbSumReply {
  return { v: response.v, err: err2str(response.err) };
}

/** Go kit's `encodeGRPCConcatResponse`. */
function encodeGRPCConcatReply(_ctx: Context, response: ConcatResponse): PbConcatReply {
  return { v: response.v, err: err2str(response.err) };
}

/** Go kit's `encodeGRPCSumRequest`. */
function encodeGRPCSumRequest(_ctx: Context, request: SumRequest): PbSumRequest {
  return { a: request.a, b: request.b };
}

/** Go kit's `encodeGRPCConcatRequest`. */
function encodeGRPCConcatRequest(_ctx: Context, request: ConcatRequest): PbConcatRequest {
  return { a: request.a, b: request.b };
}

function encodeGRPCRunningSumsRequest(_ctx: Context, request: RunningSumsRequest): PbRunningSumsRequest {
  return { values: request.values };
}

/** Go kit's `decodeGRPCSumResponse`: `{V: int(reply.V), Err: str2err(reply.Err)}`. */
function decodeGRPCSumReply(_ctx: Context, reply: PbSumReply): SumResponse {
  const err = str2err(reply.err);
  return err === undefined ? { v: decodeInt(reply.v) } : { v: decodeInt(reply.v), err };
}

/** Go kit's `decodeGRPCConcatResponse`. */
function decodeGRPCConcatReply(_ctx: Context, reply: PbConcatReply): ConcatResponse {
  const err = str2err(reply.err);
  return err === undefined ? { v: reply.v } : { v: reply.v, err };
}

/** Go kit's `err2str`: the message, `""` for none. */
function err2str(err: KitError | undefined): string {
  return err === undefined ? "" : err.message;
}

/**
 * Go kit's `str2err`: `""` is no error; anything else a `KitError` with that message and the
 * code this port gives it: Go kit's three messages and this port's own input checks are known,
 * anything else (a peer's own business error) is `unknown`.
 */
function str2err(message: string): KitError | undefined {
  if (message === "") return undefined;
  return new KitError(codeOfMessage(message), message);
}

function codeOfMessage(message: string): Code {
  switch (message) {
    case ErrorMessage.twoZeroes:
      return Code.InvalidArgument;
    case ErrorMessage.intOverflow:
    case ErrorMessage.maxSizeExceeded:
      return Code.OutOfRange;
    default:
      return message.startsWith(ErrorMessage.notInteger) || message.startsWith(ErrorMessage.notString) ? Code.InvalidArgument : Code.Unknown;
  }
}
