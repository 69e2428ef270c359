// The AMQP transport of addsvc, in the shape of Go kit's addtransport for a message broker:
// the server side (a subscriber per endpoint on RabbitMQ queues) and the client side (an
// AddClient over two request/reply publishers, RabbitMQ's direct reply-to).
//
// Wire format (message-wire.ts): the JSON bodies of the HTTP transport (wire.ts): a request `{"a":…,"b":…}`
// (Go's field rules, so `{"A":1,"B":2}` works too), a reply `{"v":…}`. A business error is a
// reply too: `kit-error-code`/`kit-error-message` headers, which the Kit client reads, and the
// HTTP transport's error body `{"error", "code", "message"}`, for any other client; it is
// answered and acknowledged, not dead-lettered, since the request itself was fine.
import { encodeJSONMessage, logErrorHandler, type Subscriber } from "@kit/transport";
import { assertTopology, publisher, subscriber, type PublisherOptions } from "@kit/transport-amqp";
import type { Channel, ChannelModel, ConfirmChannel } from "amqplib";
import {
  clientFromEndpoints,
  type AddClient,
  type ConcatRequest,
  type ConcatResponse,
  type EndpointSet,
  type SumRequest,
  type SumResponse,
} from "./endpoints.ts";
import type { Logger } from "./middleware.ts";
import { decodeConcatMessage, decodeSumMessage, encodeReply, replyDecoders } from "./message-wire.ts";

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
   * Stops consuming, lets the messages in flight finish and be acknowledged, then closes the
   * channel if `serveAmqp` opened it. Calling it again returns the same promise.
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
 * @param connection - an amqplib connection (a confirm channel is opened on it, and closed by
 *   `close()`), or a confirm channel of yours (left open)
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger, the queue prefix, the concurrency
 *
 * @example
 * ```ts
 * const connection = await amqp.connect("amqp://guest:guest@127.0.0.1:5672");
 * const server = await serveAmqp(connection, newEndpointSet(newBasicService(), { logger, metrics }), { logger });
 * // … then, on SIGTERM:
 * await server.close();
 * await connection.close();
 * ```
 */
export async function serveAmqp(
  connection: ChannelModel | ConfirmChannel,
  endpoints: EndpointSet,
  options: ServeAmqpOptions,
): Promise<AmqpServer> {
  const { logger, queuePrefix = defaultPrefix, concurrency = 16 } = options;
  const owned = isConnection(connection);
  const channel = owned ? await connection.createConfirmChannel() : connection;
  if (owned) {
    channel.on("error", (err: Error) => {
      logger.log("transport", "AMQP", "err", err.message);
    });
  }
  const queues = [`${queuePrefix}.sum`, `${queuePrefix}.concat`] as const;
  const subscribers: Subscriber[] = [];
  try {
    for (const queue of queues) await assertTopology(channel, queue);
    const subscriberOptions = { concurrency, errorHandler: logErrorHandler(logger) };
    subscribers.push(
      subscriber(channel, queues[0], endpoints.sumEndpoint, decodeSumMessage, encodeReply, subscriberOptions),
      subscriber(channel, queues[1], endpoints.concatEndpoint, decodeConcatMessage, encodeReply, subscriberOptions),
    );
  } catch (err) {
    if (owned) await channel.close().catch(() => undefined);
    throw err;
  }
  logger.log("transport", "AMQP", "queues", queues.join(","));

  let closing: Promise<void> | undefined;
  return {
    queues,
    close() {
      closing ??= (async () => {
        await Promise.all(subscribers.map((sub) => sub.close()));
        if (owned) await channel.close();
      })();
      return closing;
    },
  };
}

function isConnection(value: ChannelModel | ConfirmChannel): value is ChannelModel {
  return typeof (value as Partial<ChannelModel>).createConfirmChannel === "function";
}

/** Options for {@link amqpClient}. */
export interface AmqpClientOptions extends PublisherOptions {
  /** The server's queue prefix; default `"addsvc"`. */
  readonly queuePrefix?: string;
}

/**
 * An {@link AddClient} that calls an addsvc AMQP server ({@link serveAmqp}) by request and
 * reply over RabbitMQ's direct reply-to, through `@kit/transport-amqp`'s `publisher`: the
 * context's deadline travels as `kit-timeout` and bounds the wait (`deadline_exceeded`), a
 * business error comes back as the same `KitError` (`sum(0, 0)` → `invalid_argument` "can't
 * sum two zeroes"), no server queue is `unavailable` at once, and a reply that is not
 * `{"v": …}` of the right type is `internal`.
 *
 * @param channel - the channel to publish and receive replies on
 * @param options - the server's queue prefix and `@kit/transport-amqp` publisher options (hooks)
 *
 * @example
 * ```ts
 * const svc = amqpClient(await connection.createChannel());
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try {
 *   await svc.sum(ctx, 2, 3); // 5
 * } finally {
 *   cancel();
 * }
 * ```
 */
export function amqpClient(channel: Channel, options: AmqpClientOptions = {}): AddClient {
  const { queuePrefix = defaultPrefix, ...publisherOptions } = options;
  return clientFromEndpoints(
    publisher<SumRequest, SumResponse>(channel, `${queuePrefix}.sum`, encodeJSONMessage, decodeReply.sum, publisherOptions),
    publisher<ConcatRequest, ConcatResponse>(channel, `${queuePrefix}.concat`, encodeJSONMessage, decodeReply.concat, publisherOptions),
  );
}

const decodeReply = replyDecoders("AMQP");
