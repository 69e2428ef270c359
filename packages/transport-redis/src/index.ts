/**
 * Redis Streams transport for Kit endpoints, on node-redis v5 (`redis`, a peer dependency; the
 * user's own client): a {@link subscriber} on Kit's message-subscriber runtime (a consumer
 * group read with `XREADGROUP`, `XACK` after success, a dead consumer's entries claimed with
 * `XAUTOCLAIM`, retries, a dead-letter stream) and a {@link publisher} (`XADD`, trimming,
 * request/reply through a {@link RedisReplyStream}).
 *
 * @packageDocumentation
 */
export type { RedisCommandOptions, RedisStreamClient, RedisStreamConnection } from "./client.ts";
export { bodyField, correlationHeader, replyToHeader } from "./headers.ts";
export { publisher, type RedisPublisherOptions } from "./publisher.ts";
export { replyStream, type RedisReplyStream, type RedisReplyStreamOptions } from "./reply-stream.ts";
export { subscriber, type RedisSubscriber, type RedisSubscriberOptions } from "./subscriber.ts";
