// The Redis Streams transport of addsvc: the server side (a consumer group on a stream per
// endpoint) and the client side (an AddClient over two request/reply publishers, answered on a
// reply stream of the client's own). Both are the code kitgen writes from the AddService
// interface (src/generated/add.redis.ts, on @kit/transport-redis); this file names the streams,
// logs, and reads requests and answers errors in the HTTP transport's JSON.
//
// Wire format (message-wire.ts): an entry's `body` field is the HTTP transport's JSON:
// a request `{"a":…,"b":…}` (Go's field rules), a reply `{"v":…}`. A business error is a reply
// too, with `kit-error-code`/`kit-error-message` fields and the HTTP error body. A request that
// cannot be decoded is answered `invalid_argument`; an entry that cannot be decoded and has no
// `kit-reply-to` (nobody to answer) goes to the dead-letter stream `<stream>:dead-letter`, once.
import { randomUUID } from "node:crypto";
import { logErrorHandler, whenReady } from "@kit/transport";
import { replyStream, type RedisStreamClient } from "@kit/transport-redis";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { redisSubscribers, redisTransport } from "./generated/add.redis.ts";
import { encodeErrorReply } from "./message-wire.ts";
import type { Logger } from "./middleware.ts";

/** What {@link serveRedis} needs besides the client and the endpoints. */
export interface ServeRedisOptions {
  /** Gets the startup line and one line per transport error (decode errors, lost connections). */
  readonly logger: Logger;
  /** The streams are `<streamPrefix>:sum` and `<streamPrefix>:concat`; default `"addsvc"`. */
  readonly streamPrefix?: string;
  /** The consumer group the instances of addsvc share the requests in; default `"addsvc"`. */
  readonly group?: string;
  /** Requests each endpoint runs at once; default 16. */
  readonly concurrency?: number;
}

/** A running Redis Streams server, as {@link serveRedis} returns it. */
export interface RedisServer {
  /** The streams served, sum's then concat's; each one's dead letters go to `<stream>:dead-letter`. */
  readonly streams: readonly [string, string];
  /** Lets the requests in flight finish and be acknowledged; the client stays yours to close. */
  close(): Promise<void>;
}

/**
 * Serves addsvc's Sum and Concat endpoints over Redis Streams with kitgen's `redisSubscribers`
 * (`@kit/transport-redis`): a subscriber in the consumer group `group` (created with the stream
 * when missing, from new entries on) on `<streamPrefix>:sum` and one on `<streamPrefix>:concat`,
 * at least once (`XACK` after the reply). Replies go only to streams under
 * `<streamPrefix>:replies:`, where {@link redisClient} waits. A request that cannot be decoded
 * is answered `invalid_argument`; such an entry without `kit-reply-to` is dead-lettered once to
 * `<stream>:dead-letter`. Resolves once both groups are there; logs `transport=Redis streams=…`.
 *
 * @param client - a connected node-redis client
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger, the stream prefix, the group, the concurrency
 *
 * @example
 * ```ts
 * const redis = createClient({ url: "redis://127.0.0.1:6379" });
 * redis.on("error", (err: Error) => logger.log("transport", "Redis", "err", err.message));
 * await redis.connect();
 * const server = await serveRedis(redis, endpoints, { logger });
 * await server.close();
 * redis.destroy();
 * ```
 */
export async function serveRedis(client: RedisStreamClient, endpoints: EndpointSet, options: ServeRedisOptions): Promise<RedisServer> {
  const { logger, streamPrefix = "addsvc", group = "addsvc", concurrency = 16 } = options;
  const subscriber = {
    group,
    concurrency,
    replyNamespace: [replyPrefix(streamPrefix)],
    errorHandler: logErrorHandler(logger),
    errorEncoder: encodeErrorReply,
  };
  const subscribers = await whenReady(redisSubscribers(client, generatedEndpoints(endpoints), { prefix: streamPrefix, subscriber }));
  const streams = [`${streamPrefix}:sum`, `${streamPrefix}:concat`] as const;
  logger.log("transport", "Redis", "streams", streams.join(","), "group", group);
  return { streams, close: () => subscribers.close() };
}

/** Where addsvc's Redis clients wait for replies: `<streamPrefix>:replies:`. */
function replyPrefix(streamPrefix: string): string {
  return `${streamPrefix}:replies:`;
}

/** Options for {@link redisClient}. */
export interface RedisClientOptions {
  /** The server's stream prefix; default `"addsvc"`. */
  readonly streamPrefix?: string;
  /** How long a call whose context has no deadline waits for its reply; default 30 000 ms. */
  readonly timeout?: number;
}

/**
 * An {@link AddClient} that calls addsvc over Redis Streams ({@link serveRedis}) by request and
 * reply, through kitgen's `redisTransport` (`@kit/transport-redis`'s `publisher`): each call
 * is an `XADD` to the method's stream, answered on a reply stream of this client's own
 * (`<streamPrefix>:replies:<uuid>`, deleted by `close()`); the context's deadline travels as `kit-timeout` and bounds the wait
 * (`deadline_exceeded`); a business error comes back as the same `KitError`; a client that is not
 * connected is `unavailable` at once; a reply that is not `{"v": …}` of the right type is
 * `internal`.
 *
 * @param client - a connected node-redis client
 * @param options - the server's stream prefix, the wait bound
 */
export function redisClient(client: RedisStreamClient, options: RedisClientOptions = {}): AddClient & { close(): Promise<void> } {
  const { streamPrefix = "addsvc", timeout } = options;
  const replies = replyStream(client, `${replyPrefix(streamPrefix)}${randomUUID()}`);
  const publisher = timeout === undefined ? {} : { timeout };
  const svc = addClient(redisTransport(client, { prefix: streamPrefix, replies, publisher }));
  return { ...svc, close: () => replies.close() };
}
