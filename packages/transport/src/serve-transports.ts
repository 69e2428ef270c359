import { closeAll } from "./close-all.ts";
import { logErrorHandler, type ErrorHandler } from "./error-handler.ts";
import { parseAddr, type HostPort } from "./parse-addr.ts";

/** Where a served service writes a line per transport it starts: `@kit/log`'s `Logger`. */
export interface ServeLogger {
  /** Writes one line of alternating keys and values. */
  log(...keyvals: unknown[]): unknown;
}

/** The error handler a served service's handlers and connections report to. */
export interface ServeHandling {
  /** Gets each error a transport answers; absent, each transport's default. */
  readonly errorHandler?: ErrorHandler;
}

/** The options every subscriber of a served service gets. */
export interface ServeSubscriberOptions extends ServeHandling {
  /** How many messages each subscriber handles at once; absent, the transport's default. */
  readonly concurrency?: number;
}

/** A listener's options, as {@link ServeStart.listenOn} gives them. */
export interface ServeListenOptions extends HostPort {
  /** How long closing the listener lets its requests in flight finish, in milliseconds; absent, the listener's default. */
  readonly graceMs?: number;
}

/** The options every transport of a served service shares: what kitgen's `<Service>ServeOptions` extends. */
export interface ServeOptions {
  /** Gets a line per transport started, and (unless `errorHandler` is given) each error a transport answers. */
  readonly logger?: ServeLogger | undefined;
  /** The service's part of every queue, subject, topic and stream name; default the service's own. */
  readonly prefix?: string | undefined;
  /** How many messages each subscriber handles at once (the transports' default without it). */
  readonly concurrency?: number | undefined;
  /** Gets each error a transport answers; default `logErrorHandler(logger)` with a logger. */
  readonly errorHandler?: ErrorHandler | undefined;
  /** How long closing a listener lets its requests in flight finish, in milliseconds; default 5000. */
  readonly graceMs?: number | undefined;
}

/**
 * The endpoints to serve on a transport, asked once per transport started, given its connection;
 * what it passes to `defer` is closed before that connection.
 */
export type EndpointsOn<Connection, Endpoints> = (connection: Connection, defer: (close: () => Promise<unknown>) => void) => Endpoints | Promise<Endpoints>;

/** What each transport's start function is given by {@link serveTransports}. */
export interface ServeStart<Options extends ServeOptions, Connection, Endpoints> {
  /** The options `serveTransports` was given. */
  readonly options: Options;
  /** `options.prefix`, or the service's own. */
  readonly prefix: string;
  /** The handlers' and connections' error handler, when there is one. */
  readonly handling: ServeHandling;
  /** Every subscriber's options: the error handler and `concurrency`, when given. */
  readonly subscriber: ServeSubscriberOptions;
  /** The endpoints to serve on the transport of `connection`. */
  readonly endpointsOn: (connection: Connection) => Promise<Endpoints>;
  /** Takes what to close on the way out; closed last first. */
  readonly defer: (close: () => Promise<unknown>) => void;
  /** The logger, or one that drops every line. */
  readonly logger: ServeLogger;
  /** A listener's options: the `host:port` in `addr` (see {@link parseAddr}) and `graceMs`, when given. */
  listenOn(addr: string): ServeListenOptions;
  /** Each name of `names` (default names starting with the service's prefix) under `prefix`, comma-separated: a log line's value. */
  namesOf(names: Readonly<Record<string, string>>): string;
}

/**
 * Serves a service on the transports `startEach` starts, each given a {@link ServeStart}: the
 * options, the error handler (`logErrorHandler(logger)` unless one is given), the endpoints for
 * its connection, and `defer` for what to close. A start function logs its own line (so that a
 * logger that notes its caller names the start function's file). When a start fails, what started is closed,
 * last first, and the error thrown. kitgen's generated `serve<Service>` is this, with a start
 * function per transport.
 *
 * @param endpoints - the endpoints to serve, or a function that makes each transport's, given its connection
 * @param options - the options the transports share
 * @param servicePrefix - the service's own prefix, the default of `options.prefix`
 * @param startEach - starts each transport `options` asks for
 * @returns `close()`: closes what started, last first, letting calls in flight finish; idempotent
 */
export async function serveTransports<Options extends ServeOptions, Connection, Endpoints extends object>(
  endpoints: Endpoints | EndpointsOn<Connection, Endpoints>,
  options: Options,
  servicePrefix: string,
  startEach: (start: ServeStart<Options, Connection, Endpoints>) => Promise<void>,
): Promise<() => Promise<void>> {
  const stops: (() => Promise<unknown>)[] = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= closeAll(stops));
  try {
    await startEach(serveStart(endpoints, options, servicePrefix, (stop) => void stops.push(stop)));
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return close;
}

/** The {@link ServeStart} of `options`, deferring to `defer`. */
function serveStart<Options extends ServeOptions, Connection, Endpoints extends object>(
  endpoints: Endpoints | EndpointsOn<Connection, Endpoints>,
  options: Options,
  servicePrefix: string,
  defer: (close: () => Promise<unknown>) => void,
): ServeStart<Options, Connection, Endpoints> {
  const errorHandler = options.errorHandler ?? (options.logger === undefined ? undefined : logErrorHandler(options.logger));
  const handling = errorHandler === undefined ? {} : { errorHandler };
  const logger = options.logger ?? { log: () => undefined };
  const prefix = options.prefix ?? servicePrefix;
  return {
    options,
    prefix,
    handling,
    subscriber: { ...handling, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }) },
    endpointsOn: async (connection) => (typeof endpoints === "function" ? endpoints(connection, defer) : endpoints),
    defer,
    logger,
    listenOn: (addr) => ({ ...parseAddr(addr), ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }) }),
    namesOf: (names) =>
      Object.values(names)
        .map((name) => (name.startsWith(servicePrefix) ? prefix + name.slice(servicePrefix.length) : name))
        .join(","),
  };
}
