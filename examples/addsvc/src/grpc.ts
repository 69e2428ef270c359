// The gRPC transport of addsvc, Go kit's pkg/addtransport/grpc.go: Sum and Concat are the code
// kitgen writes from AddService (src/generated/add.grpc.ts: Go kit's `pb.Add`, a business error
// in the reply's `err`), beside the two streaming methods of grpc-streams.ts; this file starts
// the server, maps Go kit's error messages to Kit's codes, and makes the client.
import * as grpc from "@grpc/grpc-js";
import { Code, type Context } from "@kit/endpoint";
import { logErrorHandler } from "@kit/transport";
import { listen, type ClientOptions, type Listening } from "@kit/transport-grpc";
import { generatedEndpoints, type AddClient, type EndpointSet, type SumRequest, type SumResponse } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { grpcServe, grpcTransport } from "./generated/add.grpc.ts";
import { serveStreams, streamClients } from "./grpc-streams.ts";
import type { Logger } from "./middleware.ts";
import { codeOfMessage } from "./service.ts";

export { runningSumsEndpoint, sumEachEndpoint } from "./grpc-streams.ts";

/** What {@link grpcService} needs besides the endpoints. */
export interface GrpcServiceOptions {
  /** Gets one line for every error the transport answers (bad input, bugs). */
  readonly logger: Logger;
}

/**
 * Adds addsvc to your grpc-js server, Go kit's `addtransport.NewGRPCServer`: `pb.Add` with Sum
 * and Concat as Go kit serves them, plus RunningSums (server streaming) and SumEach (bidi).
 * A business error goes in the reply's `err` with `v` zero and status OK (Go kit's `err2str`);
 * a message that does not decode is `INVALID_ARGUMENT`, a bug `INTERNAL`, both logged. An int64
 * beyond JavaScript's safe integers reaches the service, which refuses it in `err`.
 *
 * @param grpcServer - your grpc-js server
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger for transport errors
 */
export function grpcService(grpcServer: grpc.Server, endpoints: EndpointSet, options: GrpcServiceOptions): void {
  const serverOptions = { errorHandler: logErrorHandler(options.logger) };
  // Go's int64 is wider than a safe integer: the service, not kitgen's validator, refuses one.
  const sum = (_ctx: Context, message: Record<string, unknown>): SumRequest => ({ a: Number(message.a), b: Number(message.b) });
  grpcServe(grpcServer, generatedEndpoints(endpoints), { ...serverOptions, decoders: { sum } });
  serveStreams(grpcServer, endpoints.sumEndpoint, serverOptions);
}

/** Where and how {@link startGrpc} serves. */
export interface StartGrpcOptions {
  /** The address to listen on; default `"127.0.0.1"`. */
  readonly host?: string;
  /** The port to listen on; default `8082`, Go kit's addsvc gRPC port; `0` picks a free one. */
  readonly port?: number;
  /** Gets the startup line and one line per transport error. */
  readonly logger: Logger;
  /** How long `close()` waits for calls in flight before cutting them; default 5000 ms. */
  readonly shutdownGraceMs?: number;
}

/** A running addsvc gRPC server, as {@link startGrpc} returns it: `@kit/transport-grpc`'s `listen`. */
export type GrpcApp = Listening;

/**
 * Serves addsvc over gRPC on a grpc-js server of its own, without TLS (`@kit/transport-grpc`'s
 * `listen`, which shuts down gracefully), and logs `transport=gRPC addr=<host:port>` once it listens.
 *
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - host, port, logger, shutdown grace period
 */
export async function startGrpc(endpoints: EndpointSet, options: StartGrpcOptions): Promise<GrpcApp> {
  const { host = "127.0.0.1", port = 8082, logger, shutdownGraceMs = 5_000 } = options;
  const grpcServer = new grpc.Server();
  grpcService(grpcServer, endpoints, { logger });
  const running = await listen(grpcServer, { host, port, graceMs: shutdownGraceMs });
  logger.log("transport", "gRPC", "addr", running.addr);
  return running;
}

/** An {@link AddClient} over gRPC, with addsvc's streaming methods and a way to close it. */
export interface GrpcAddClient extends AddClient {
  /** The running totals of `values`; a business error is thrown as a `KitError` after the totals before it. */
  runningSums(ctx: Context, values: readonly number[]): AsyncIterable<number>;
  /** Sends each pair as the iterable gives it and yields each answer as it arrives: `{ v }`, or `{ v: 0, err }`. */
  sumEach(ctx: Context, pairs: AsyncIterable<SumRequest>): AsyncIterable<SumResponse>;
  /** Closes the client's channel. */
  close(): void;
}

/**
 * An {@link AddClient} that calls an addsvc gRPC server (this one or Go kit's, for Sum and
 * Concat), Go kit's `addtransport.NewGRPCClient`, without TLS. A business error in the reply's
 * `err` is thrown as a `KitError` with this port's code for it (`invalid_argument` for "can't
 * sum two zeroes", `out_of_range` for the other two); a failed call throws its status's code.
 *
 * @param target - the server, such as `"127.0.0.1:8082"`
 * @param options - `@kit/transport-grpc` client options (hooks, call options) for every method
 */
export function grpcClient(target: string, options: ClientOptions = {}): GrpcAddClient {
  const conn = new grpc.Client(target, grpc.credentials.createInsecure());
  const streams = streamClients(conn, errorCode, options);
  return {
    ...addClient(grpcTransport(conn, { ...options, errorCode })),
    async *runningSums(ctx, values) {
      for await (const response of streams.runningSums(ctx, { values })) {
        if (response.err !== undefined) throw response.err;
        yield response.v;
      }
    },
    sumEach: (ctx, pairs) => streams.sumEach(ctx, pairs),
    close() {
      conn.close();
    },
  };
}

/** The code this port gives a business error's message (Go kit's `str2err` has none): a peer's own is `unknown`. */
function errorCode(message: string): Code {
  return codeOfMessage(message) ?? Code.Unknown;
}
