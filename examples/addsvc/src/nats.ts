// The NATS transport of addsvc, in the shape of Go kit's addtransport for a message broker: the
// server side (addsvc registered as a NATS service, the micro protocol, with one endpoint per
// method, on the code kitgen writes from AddService: src/generated/add.nats.ts) and the client
// side (an AddClient over kitgen's natsTransport: two request/reply publishers).
//
// Wire format: the JSON bodies of the HTTP transport: a request `{"a":…,"b":…}` (Go's field
// rules through kitgen's `@goJSON`, so `{"A":1,"B":2}` works too), a reply `{"v":…}`. A business error is a reply too:
// `kit-error-code`/`kit-error-message` headers, which the Kit client reads, the micro protocol's
// `Nats-Service-Error`/`Nats-Service-Error-Code` headers, which `nats req` and micro clients
// read, and the HTTP transport's error body `{"error", "code", "message"}`.
import { logErrorHandler } from "@kit/transport";
import type { NatsPublisherOptions } from "@kit/transport-nats";
import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm } from "@nats-io/services";
import { generatedEndpoints, type AddClient, type EndpointSet } from "./endpoints.ts";
import { addClient } from "./generated/add.endpoints.ts";
import { natsService, natsTransport } from "./generated/add.nats.ts";
import type { Logger } from "./middleware.ts";
import { encodeErrorReply } from "./message-wire.ts";

/** The subject prefix when none is given: subjects `addsvc.sum` and `addsvc.concat`. */
const defaultPrefix = "addsvc";

/** What {@link serveNats} needs besides the connection and the endpoints. */
export interface ServeNatsOptions {
  /** Gets the startup line and one line per transport error (decode errors, bugs). */
  readonly logger: Logger;
  /** The subjects are `<subjectPrefix>.sum` and `<subjectPrefix>.concat`; default `"addsvc"`. */
  readonly subjectPrefix?: string;
  /** The queue group the instances of addsvc share the requests in; default `"addsvc"`. */
  readonly queue?: string;
  /** Requests each endpoint runs at once; default 16. */
  readonly concurrency?: number;
}

/** A running NATS server, as {@link serveNats} returns it. */
export interface NatsServer {
  /** The subjects served, sum's then concat's. */
  readonly subjects: readonly [string, string];
  /** The NATS service's id, as `$SRV.PING.addsvc` answers it. */
  readonly id: string;
  /**
   * Stops the NATS service (it unsubscribes, so no new request reaches this instance), lets the
   * requests in flight finish and be answered, then resolves. Calling it again returns the same
   * promise.
   */
  close(): Promise<void>;
}

/**
 * Serves addsvc's Sum and Concat endpoints over NATS: registers the NATS service `addsvc` (the
 * micro protocol, with `@nats-io/services`) with the endpoints `sum` and `concat` on the
 * subjects `<subjectPrefix>.sum` and `<subjectPrefix>.concat`, in the queue group `queue`, so
 * `nats micro ls`, `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` see them. The endpoints are the
 * code kitgen writes from `AddService` (`natsService` in src/generated/add.nats.ts, on
 * `@kit/transport-nats`'s `serviceEndpoint`: `concurrency`, the caller's `kit-timeout`
 * deadline, error replies), with the requests read by Go's field rules (`@goJSON`). A
 * request that cannot be decoded is answered `invalid_argument`. Logs `transport=NATS subjects=… service=addsvc` once it serves.
 *
 * Core NATS is at most once: a request in flight when this process dies is not redelivered;
 * its caller sees `deadline_exceeded` and may retry, reaching another instance.
 *
 * @param nc - the NATS connection (left open by `close()`)
 * @param endpoints - the endpoint set, typically from `newEndpointSet`
 * @param options - the logger, the subject prefix, the queue group, the concurrency
 *
 * @example
 * ```ts
 * const nc = await connect({ servers: "127.0.0.1:4222", maxReconnectAttempts: -1 });
 * const server = await serveNats(nc, newEndpointSet(newBasicService(), { logger, metrics }), { logger });
 * // nats req addsvc.sum '{"a":2,"b":3}'  →  {"v":5}
 * await server.close();
 * await nc.close();
 * ```
 */
export async function serveNats(nc: NatsConnection, endpoints: EndpointSet, options: ServeNatsOptions): Promise<NatsServer> {
  const { logger, subjectPrefix = defaultPrefix, queue = "addsvc", concurrency = 16 } = options;
  const service = await new Svcm(nc).add({ name: "addsvc", version: "0.0.0", description: "Go kit's addsvc on Kit: Sum and Concat", queue });
  const subscriber = { concurrency, errorHandler: logErrorHandler(logger), errorEncoder: encodeErrorReply };
  const served = natsService(nc, service, generatedEndpoints(endpoints), { prefix: subjectPrefix, subscriber });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await service.stop().catch(() => undefined);
      await served.close();
    })());
  try {
    await served.ready;
    await nc.flush(); // the subscriptions are in place before anyone is told to call
  } catch (err) {
    await close();
    throw err;
  }
  const subjects = [`${subjectPrefix}.sum`, `${subjectPrefix}.concat`] as const;
  const { id } = service.info();
  logger.log("transport", "NATS", "subjects", subjects.join(","), "service", "addsvc", "id", id);
  return { subjects, id, close };
}

/** Options for {@link natsClient}. */
export interface NatsClientOptions extends NatsPublisherOptions {
  /** The server's subject prefix; default `"addsvc"`. */
  readonly subjectPrefix?: string;
}

/**
 * An {@link AddClient} that calls addsvc over NATS ({@link serveNats}) by core NATS request and
 * reply, through kitgen's `natsTransport` (`@kit/transport-nats`'s `publisher`): the context's deadline travels as
 * `kit-timeout` and bounds the wait (`deadline_exceeded`), a business error comes back as the
 * same `KitError` (`sum(0, 0)` → `invalid_argument` "can't sum two zeroes"), no server is
 * `unavailable` at once, and a reply that is not `{"v": …}` of the right type is `internal`.
 *
 * @param nc - the NATS connection
 * @param options - the server's subject prefix and `@kit/transport-nats` publisher options
 *
 * @example
 * ```ts
 * const svc = natsClient(nc);
 * const [ctx, cancel] = withTimeout(background(), 1_000);
 * try {
 *   await svc.sum(ctx, 2, 3); // 5
 * } finally {
 *   cancel();
 * }
 * ```
 */
export function natsClient(nc: NatsConnection, options: NatsClientOptions = {}): AddClient {
  const { subjectPrefix = defaultPrefix, ...publisher } = options;
  return addClient(natsTransport(nc, { prefix: subjectPrefix, publisher }));
}
