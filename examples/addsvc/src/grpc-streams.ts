// addsvc's two streaming gRPC methods, Kit's additions to Go kit's `pb.Add`: RunningSums (a
// server stream) and SumEach (bidirectional). They are not methods of AddService, so kitgen
// does not write them; they are served beside the generated Sum and Concat, on the same
// service path, with the messages of proto/addsvc.proto.
import { fileURLToPath } from "node:url";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { KitError, type BidiStreamEndpoint, type Code, type Endpoint, type ServerStreamEndpoint } from "@kit/endpoint";
import { bidiStream, bidiStreamClient, bindService, serverStream, serverStreamClient, type ClientOptions, type ServerOptions } from "@kit/transport-grpc";
import { failed, type SumRequest, type SumResponse } from "./endpoints.ts";

// addsvc's whole .proto: Go kit's pb.Add with Kit's two streaming methods.
const protoPath: string = fileURLToPath(new URL("../proto/addsvc.proto", import.meta.url));

// int64 fields arrive as decimal strings (`longs: String`); `defaults: true` gives absent fields their zero value.
const Add = protoLoader.loadSync(protoPath, { longs: String, defaults: true })["pb.Add"] as grpc.ServiceDefinition;

/** `pb.SumRequest` and `pb.SumReply` as proto-loader gives them: int64 as a decimal string. */
interface PbSum {
  readonly a?: string | number;
  readonly b?: string | number;
  readonly v?: string | number;
  readonly err?: string;
}

/** `pb.RunningSumsRequest`. */
interface PbRunningSums {
  readonly values: readonly (string | number)[];
}

const streams = {
  RunningSums: Add.RunningSums as grpc.MethodDefinition<PbRunningSums, PbSum>,
  SumEach: Add.SumEach as grpc.MethodDefinition<PbSum, PbSum>,
};

/** The request of RunningSums: the values to add up, in order. */
export interface RunningSumsRequest {
  /** The values; each step is a Sum of the running total and the next value. */
  readonly values: readonly number[];
}

/**
 * The RunningSums endpoint over a Sum endpoint: for each value, the Sum of the running total
 * so far (0 at the start) and the value, so Sum's rules and middleware apply to every step. A
 * reply that carries a business error is the last. Stops when the context is canceled.
 *
 * @param sumEndpoint - the Sum endpoint, typically `newEndpointSet(…).sumEndpoint`
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

/**
 * Adds RunningSums and SumEach to a grpc-js server, over the Sum endpoint: a business error
 * goes in a reply's `err` with `v` zero, as Sum's does.
 *
 * @param grpcServer - the grpc-js server
 * @param sumEndpoint - the Sum endpoint
 * @param options - `@kit/transport-grpc` server options
 */
export function serveStreams(grpcServer: grpc.Server, sumEndpoint: Endpoint<SumRequest, SumResponse>, options: ServerOptions): void {
  const encode = (_ctx: unknown, { v, err }: SumResponse): PbSum => ({ v, err: err?.message ?? "" });
  bindService(grpcServer, streams, {
    RunningSums: serverStream(runningSumsEndpoint(sumEndpoint), (_ctx, { values }: PbRunningSums) => ({ values: values.map(Number) }), encode, options),
    SumEach: bidiStream(sumEachEndpoint(sumEndpoint), (_ctx, { a, b }: PbSum) => ({ a: Number(a), b: Number(b) }), encode, options),
  });
}

/**
 * The client side of RunningSums and SumEach; a reply's non-empty `err` becomes a `KitError`
 * with the code `errorCode` gives its message.
 *
 * @param conn - a grpc-js client connected to an addsvc server
 * @param errorCode - the code of a business error, from its message
 * @param options - `@kit/transport-grpc` client options
 */
export function streamClients(conn: grpc.Client, errorCode: (message: string) => Code, options: ClientOptions) {
  const decode = (_ctx: unknown, { v, err = "" }: PbSum): SumResponse => (err === "" ? { v: Number(v) } : { v: Number(v), err: new KitError(errorCode(err), err) });
  return {
    runningSums: serverStreamClient(conn, streams.RunningSums, (_ctx, request: RunningSumsRequest) => request, decode, options),
    sumEach: bidiStreamClient(conn, streams.SumEach, (_ctx, request: SumRequest): PbSum => request, decode, options),
  };
}
