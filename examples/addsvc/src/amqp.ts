// The AMQP transport of addsvc, in the shape of Go kit's addtransport for a message broker:
// the server side (a subscriber per endpoint on RabbitMQ queues) and the client side (an
// AddClient over two request/reply publishers, RabbitMQ's direct reply-to). Both are the code
// kitgen writes from the AddService interface (src/generated/add.amqp.ts); this file names the
// queues, logs, and answers business errors with the HTTP transport's error body.
//
// Wire format: the JSON of the HTTP transport: a request `{"a":…,"b":…}` (Go's field rules
// through kitgen's `@goJSON`: keys in any case, so `{"A":1,"B":2}` works too; a wrong type is
// `invalid_argument` with Go's message), a reply `{"v":…}`. A business error is a reply too: `kit-error-code`/`kit-error-message`
// headers, which the Kit client reads, and the HTTP transport's error body
// `{"error", "code", "message"}`, for any other client; it is answered and acknowledged, not
// dead-lettered, since the request itself was fine.
import { logErrorHandler, whenReady } from "@kit/transport";
import type { AmqpConnection, AmqpPublisherOptions } from "@kit/transport-amqp";
import type { Channel, ConfirmChannel } from "amqplib";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import { amqpSubscribers, amqpTopology, amqpTransport } from "./generated/add.amqp.ts";
import { addClient } from "./generated/add.endpoints.ts";
import type { Logger } from "./middleware.ts";
import { encodeErrorReply } from "./message-wire.ts";

/** The queue prefix when none is given: queues `addsvc.sum` and `addsvc.concat`. */
const defaultPrefix = "addsvc";

/** What {@link serveAmqp} needs besides the connection and the endpoints. */
export interface ServeAmqpOptions {
  /** Gets one line per transport error (decode errors, bugs, broker failures). */
  readonly logger: Logger;
  /** The queues are `<queuePrefix>.sum` and `<queuePrefix>.concat`; default `"addsvc"`. */
  readonly queuePrefix?: string;
  /** Messages each endpoint runs at once (the prefetch of its consumer); default 16. */
  readonly concurrency?: number;
}

/** A running AMQP server, as {@link serveAmqp} returns it. */
export interface AmqpServer {
  /** The queues served, sum's then concat's. */
  readonly queues: readonly [string, string];
  /**
   * Stops consuming, lets the messages in flight finish and be acknowledged (the broker has the
   * acks when it resolves), and leaves the connection or channel open. Calling it again returns
   * the same promise.
   */
  close(): Promise<void>;
}

/**
 * Serves addsvc's Sum and Concat endpoints over RabbitMQ, with `@kit/transport-amqp`: declares
 * the queues `<queuePrefix>.sum` and `<queuePrefix>.concat` (each with its retry queue and
 * dead-letter exchange, see `assertTopology`) and runs a subscriber on each, at least once:
 * a request is acknowledged after its reply is sent; one that cannot be decoded is answered
 * with `invalid_argument` and goes to the dead letter. Logs `transport=AMQP queues=…` once
 * it consumes.
 *
 * On a connection from `@kit/transport-amqp`'s `connect()` it survives a broker restart: the
 * connection reconnects, declares the queues again, and the subscribers consume again.
 *
 * @param connection - a reconnecting connection from `@kit/transport-amqp`'s `connect()` (left
 *   open by `close()`), or a confirm channel of yours (left open; it does not reconnect)
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger, the queue prefix, the concurrency
 *
 * @example
 * ```ts
 * const connection = await connect("amqp://guest:guest@127.0.0.1:5672"); // @kit/transport-amqp
 * const server = await serveAmqp(connection, newEndpointSet(newBasicService(), { logger, metrics }), { logger });
 * // … then, on SIGTERM:
 * await server.close();
 * await connection.close();
 * ```
 */
export async function serveAmqp(connection: AmqpConnection | ConfirmChannel, endpoints: EndpointSet, options: ServeAmqpOptions): Promise<AmqpServer> {
  const { logger, queuePrefix = defaultPrefix, concurrency = 16 } = options;
  await amqpTopology(connection, { prefix: queuePrefix });
  const subscriber = { concurrency, errorHandler: logErrorHandler(logger), errorEncoder: encodeErrorReply };
  const subscribers = await whenReady(amqpSubscribers(connection, generatedEndpoints(endpoints), { prefix: queuePrefix, subscriber }));
  const queues = [`${queuePrefix}.sum`, `${queuePrefix}.concat`] as const;
  logger.log("transport", "AMQP", "queues", queues.join(","));
  return { queues, close: () => subscribers.close() };
}

/** Options for {@link amqpClient}. */
export interface AmqpClientOptions extends AmqpPublisherOptions {
  /** The server's queue prefix; default `"addsvc"`. */
  readonly queuePrefix?: string;
}

/**
 * An {@link AddClient} that calls an addsvc AMQP server ({@link serveAmqp}) by request and
 * reply over RabbitMQ's direct reply-to, through `@kit/transport-amqp`'s `publisher`: the
 * context's deadline travels as `kit-timeout` and bounds the wait (`deadline_exceeded`), a
 * business error comes back as the same `KitError` (`sum(0, 0)` → `invalid_argument` "can't
 * sum two zeroes"), no server queue is `unavailable` at once, and a reply that is not
 * `{"v": …}` of the right type is `invalid_argument` naming the field (kitgen's reply check).
 *
 * @param connection - a reconnecting connection from `@kit/transport-amqp`'s `connect()`, or a
 *   channel of yours, to publish and receive replies on
 * @param options - the server's queue prefix and `@kit/transport-amqp` publisher options (hooks)
 *
 * @example
 * ```ts
 * const svc = amqpClient(connection);
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try {
 *   await svc.sum(ctx, 2, 3); // 5
 * } finally {
 *   cancel();
 * }
 * ```
 */
export function amqpClient(connection: AmqpConnection | Channel, options: AmqpClientOptions = {}): AddClient {
  const { queuePrefix = defaultPrefix, ...publisherOptions } = options;
  return addClient(amqpTransport(connection, { prefix: queuePrefix, publisher: publisherOptions }));
}
