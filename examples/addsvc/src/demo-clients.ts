// The Kit clients the demos (and the tests) call addsvc with, one per transport: kitgen's typed
// client (`addClient`) over each generated transport, named and configured as addsvc serves it.
import * as grpc from "@grpc/grpc-js";
import { Code, KitError, type Context } from "@kit/endpoint";
import type { ClientOptions as GrpcClientOptions } from "@kit/transport-grpc";
import type { ClientOptions } from "@kit/transport-http";
import type { AmqpPublisherOptions } from "@kit/transport-amqp";
import type { MqttPublisherOptions } from "@kit/transport-mqtt";
import type { NatsPublisherOptions } from "@kit/transport-nats";
import type { JsonRpcClientOptions } from "@kit/transport-jsonrpc";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Channel } from "amqplib";
import type { MqttClient } from "mqtt";
import { addStreamsClient } from "./generated/add-streams/add-streams.endpoints.ts";
import { grpcTransport as streamsTransport } from "./generated/add-streams/add-streams.grpc.ts";
import { addClient, type SumRequest } from "./generated/add.endpoints.ts";
import { amqpTransport, type AmqpConnection } from "./generated/add.amqp.ts";
import { grpcTransport } from "./generated/add.grpc.ts";
import { httpTransport } from "./generated/add.http.ts";
import { jsonRpcTransport } from "./generated/add.jsonrpc.ts";
import { mqttTransport } from "./generated/add.mqtt.ts";
import { natsTransport } from "./generated/add.nats.ts";
import { redisReplyStream, redisTransport, type RedisConnection } from "./generated/add.redis.ts";
import { codeOfMessage, type AddService } from "./service.ts";

/** Go kit's JSON-RPC method names, in place of kitgen's `add.sum` and `add.concat`. */
export const jsonRpcNames = { sum: "sum", concat: "concat" };

/**
 * addsvc over HTTP, Go kit's `NewHTTPClient`: a Go kit server's `{"error": msg}` comes back
 * with this port's code for the message.
 *
 * @param baseUrl - such as `http://127.0.0.1:8081`; `127.0.0.1:8081` gets `http://`, as in Go kit
 * @param options - `@kit/transport-http` client options
 */
export function httpClient(baseUrl: string | URL, options: ClientOptions = {}): AddService {
  const base = typeof baseUrl === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ? `http://${baseUrl}` : baseUrl;
  return addClient(httpTransport(base, { errorCode: codeOfMessage, ...options }));
}

/** The code this port gives a business error's message over gRPC; a peer's own is `unknown`. */
const grpcErrorCode = (message: string): Code => codeOfMessage(message) ?? Code.Unknown;

/** addsvc over gRPC, with its streaming methods and `close()`. */
export interface GrpcAddClient extends AddService {
  /** The running totals of `values`; a business error is thrown after the totals before it. */
  runningSums(ctx: Context, values: readonly number[]): AsyncIterable<number>;
  /** Each pair's answer as it arrives: `{ v }`, or `{ v: 0, err }`. */
  sumEach(ctx: Context, pairs: AsyncIterable<SumRequest>): AsyncIterable<{ v: number; err?: KitError }>;
  /** Closes the channel. */
  close(): void;
}

/**
 * addsvc (or Go kit's, for Sum and Concat) over gRPC, Go kit's `NewGRPCClient`, without TLS.
 *
 * @param target - such as `127.0.0.1:8082`
 * @param options - `@kit/transport-grpc` client options
 */
export function grpcClient(target: string, options: GrpcClientOptions = {}): GrpcAddClient {
  const conn = new grpc.Client(target, grpc.credentials.createInsecure());
  const streams = addStreamsClient(streamsTransport(conn, options));
  const carried = ({ v, err }: { v: number; err: string }) => (err === "" ? { v } : { v, err: new KitError(grpcErrorCode(err), err) });
  return {
    ...addClient(grpcTransport(conn, { ...options, errorCode: grpcErrorCode })),
    async *runningSums(ctx, values) {
      for await (const reply of streams.runningSums(ctx, [...values])) {
        const { v, err } = carried(reply);
        if (err !== undefined) throw err;
        yield v;
      }
    },
    async *sumEach(ctx, pairs) {
      for await (const reply of streams.sumEach(ctx, pairs)) yield carried(reply);
    },
    close: () => {
      conn.close();
    },
  };
}

/**
 * addsvc over JSON-RPC, Go kit's `NewJSONRPCClient` (methods `sum` and `concat`).
 *
 * @param url - such as `http://127.0.0.1:8084/`
 * @param options - `@kit/transport-jsonrpc` client options
 */
export function jsonRpcClient(url: string | URL, options: JsonRpcClientOptions = {}): AddService {
  return addClient(jsonRpcTransport(url, { ...options, names: jsonRpcNames }));
}

/**
 * addsvc over NATS request/reply, on the subjects `<subjectPrefix>.sum` and `.concat`.
 *
 * @param nc - the connection
 * @param options - the server's subject prefix (default `addsvc`) and publisher options
 */
export function natsClient(nc: NatsConnection, options: NatsPublisherOptions & { subjectPrefix?: string } = {}): AddService {
  const { subjectPrefix = "addsvc", ...publisher } = options;
  return addClient(natsTransport(nc, { prefix: subjectPrefix, publisher }));
}

/**
 * addsvc over RabbitMQ (direct reply-to), on the queues `<queuePrefix>.sum` and `.concat`.
 *
 * @param connection - a connection from `@kit/transport-amqp`'s `connect()`, or a channel
 * @param options - the server's queue prefix (default `addsvc`) and publisher options
 */
export function amqpClient(connection: AmqpConnection | Channel, options: AmqpPublisherOptions & { queuePrefix?: string } = {}): AddService {
  const { queuePrefix = "addsvc", ...publisher } = options;
  return addClient(amqpTransport(connection, { prefix: queuePrefix, publisher }));
}

/**
 * addsvc over MQTT 5 request/reply, on the topics `<topicPrefix>/sum` and `/concat`.
 *
 * @param client - a connected MQTT 5 client
 * @param options - the server's topic prefix (default `addsvc`) and publisher options
 */
export function mqttClient(client: MqttClient, options: MqttPublisherOptions & { topicPrefix?: string } = {}): AddService {
  const { topicPrefix = "addsvc", ...publisher } = options;
  return addClient(mqttTransport(client, { prefix: topicPrefix, publisher }));
}

/**
 * addsvc over Redis Streams, on `<streamPrefix>:sum` and `:concat`, answered on a reply stream
 * of its own, which `close()` deletes.
 *
 * @param client - a connected node-redis client
 * @param options - the server's stream prefix (default `addsvc`) and the wait for a call without a deadline
 */
export function redisClient(client: RedisConnection, options: { streamPrefix?: string; timeout?: number } = {}): AddService & { close(): Promise<void> } {
  const { streamPrefix = "addsvc", timeout } = options;
  const replies = redisReplyStream(client);
  const svc = addClient(redisTransport(client, { prefix: streamPrefix, replies, publisher: timeout === undefined ? {} : { timeout } }));
  return { ...svc, close: () => replies.close() };
}
