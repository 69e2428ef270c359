import { background, Code, KitError } from "@kit/endpoint";
import type { ErrorHandler } from "@kit/transport";
import { observeErrors } from "@kit/transport/driver";
import { connect as amqpConnect, type Channel, type ChannelModel, type ConfirmChannel, type Options } from "amqplib";
import { fromAmqpError } from "./internal/errors.ts";
import { reconnectDelay } from "./internal/reconnect-delay.ts";

/** Options for {@link connect}. */
export interface ConnectOptions {
  /**
   * Told, as `unavailable`, when the connection is lost (once per outage) and when it is back
   * (once, with how long it was away), and about a declaration that fails after a reconnection.
   * Default: one line on stderr per event (`@kit/transport`'s `defaultErrorHandler`).
   */
  readonly errorHandler?: ErrorHandler;
  /** The first wait before reconnecting, in milliseconds (default 100); it doubles after each failed attempt. */
  readonly minDelay?: number;
  /** The longest wait between two attempts, in milliseconds (default 5 000): a broker that is back is found within this. */
  readonly maxDelay?: number;
  /** Passed to amqplib's `connect` at every (re)connection: TLS options, `timeout`, `clientProperties`, ... */
  readonly socketOptions?: Record<string, unknown>;
  /**
   * Whether to set TCP_NODELAY on the socket (default `true`), so acks and replies written after
   * an endpoint ran do not wait behind Nagle's algorithm (see the README, "Latency").
   */
  readonly noDelay?: boolean;
}

/** Something to declare on the broker again after every reconnection; see {@link AmqpConnection.declare}. */
export type Declaration = (channel: Channel) => Promise<unknown>;

/** The part of amqplib's connection that holds the socket (not in amqplib's published types). */
interface WithSocket {
  readonly connection?: { readonly stream?: { setNoDelay?: (noDelay: boolean) => unknown } };
}

/**
 * A RabbitMQ connection that reconnects by itself, made by {@link connect}, for Kit's
 * `subscriber`, `publisher` and `assertTopology` to share. When the connection is lost (the
 * broker restarts, the network breaks), it reconnects with a short backoff (`minDelay` doubling
 * to `maxDelay`, 100 ms to 5 s by default, half of it random) for as long as it takes; declares
 * again everything declared through it ({@link AmqpConnection.declare}, `assertTopology`), in
 * order; then subscribers consume again, each on a channel of its own, and publishers publish on
 * new channels. While it is away, a publish fails at once with `unavailable`; while the broker
 * blocks publishing (a memory or disk alarm), with `resource_exhausted`. The outage and the
 * recovery (and the alarm and its end) are reported to `errorHandler`, once each.
 */
export class AmqpConnection {
  readonly #url: string | Options.Connect;
  readonly #options: ConnectOptions;
  readonly #observe: (err: KitError) => void;
  readonly #declarations: Declaration[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #shared = new Map<"plain" | "confirm", Promise<Channel>>();
  /** The shared channels once open, for {@link AmqpConnection.openChannel}. */
  readonly #opened = new Map<"plain" | "confirm", Channel>();
  #model: ChannelModel | undefined;
  #closed = false;
  #generation = 0;
  #lastError: unknown;
  /** Why the broker blocks this connection's publishes (a resource alarm), while it does. */
  #blocked: string | undefined;

  /** Use {@link connect}. */
  constructor(url: string | Options.Connect, options: ConnectOptions) {
    this.#url = url;
    this.#options = options;
    const observe = observeErrors(options.errorHandler);
    this.#observe = (err) => {
      observe(background(), err);
    };
  }

  /** The amqplib connection now; `undefined` while reconnecting and after {@link AmqpConnection.close}. */
  get current(): ChannelModel | undefined {
    return this.#model;
  }

  /** How many times it has connected (1 after {@link connect}); a channel from an older one is closed. */
  get generation(): number {
    return this.#generation;
  }

  /** Whether {@link AmqpConnection.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `declaration` now, on a channel of its own, and again after every reconnection, before
   * subscribers consume: exchanges, queues and bindings a non-durable or auto-deleted topology,
   * or a broker that lost its data, needs back. A declaration that fails now rejects (and is not
   * kept); one that fails after a reconnection is reported to the error handler.
   *
   * @param declaration - declares what it needs on the channel it is given
   */
  async declare(declaration: Declaration): Promise<void> {
    await this.#declareOn(this.#open(), declaration);
    this.#declarations.push(declaration);
  }

  /**
   * A new channel on the connection now (a confirm channel with `confirm`), with an `error`
   * listener; fails at once with `unavailable` while reconnecting.
   *
   * @param confirm - whether it is a confirm channel
   */
  async createChannel(confirm: boolean): Promise<Channel> {
    const model = this.#open();
    try {
      const channel = confirm ? await model.createConfirmChannel() : await model.createChannel();
      channel.on("error", () => undefined); // its close says the same, to whoever uses it
      return channel;
    } catch (thrown) {
      throw fromAmqpError(thrown, "AMQP: cannot open a channel");
    }
  }

  /**
   * The channel Kit's publishers share on this connection, one of each kind, made at first use
   * and again after it closed; fails at once with `unavailable` while reconnecting.
   *
   * @param kind - `"confirm"` for events (publisher confirms), `"plain"` for requests
   */
  sharedChannel(kind: "confirm"): Promise<ConfirmChannel>;
  sharedChannel(kind: "plain"): Promise<Channel>;
  sharedChannel(kind: "plain" | "confirm"): Promise<Channel> {
    if (this.#blocked !== undefined && this.#model !== undefined) {
      // The broker holds every publish while it is blocked: failing now beats waiting out the caller's deadline.
      return Promise.reject(new KitError(Code.ResourceExhausted, `AMQP: the broker blocks publishing (${this.#blocked}); try again later`));
    }
    let channel = this.#shared.get(kind);
    if (channel === undefined) {
      channel = this.createChannel(kind === "confirm");
      this.#shared.set(kind, channel);
      channel.then(
        (opened) => {
          if (this.#shared.get(kind) === channel) this.#opened.set(kind, opened);
          opened.once("close", () => {
            if (this.#opened.get(kind) === opened) this.#opened.delete(kind);
            if (this.#shared.get(kind) === channel) this.#shared.delete(kind);
          });
        },
        () => {
          if (this.#shared.get(kind) === channel) this.#shared.delete(kind);
        },
      );
    }
    return channel;
  }

  /**
   * The shared channel of `kind` (see {@link AmqpConnection.sharedChannel}) when it is open and
   * the broker takes publishes, without a wait; `undefined` otherwise, when `sharedChannel` says
   * what to do. The publishers' fast path.
   *
   * @param kind - `"confirm"` or `"plain"`
   */
  openChannel(kind: "plain" | "confirm"): Channel | undefined {
    if (this.#blocked !== undefined || this.#model === undefined) return undefined;
    return this.#opened.get(kind);
  }

  /**
   * Resolves with the connection once it is open (at once when it is); with `undefined` when
   * `signal` aborts or the connection is closed first.
   *
   * @param signal - stops the wait
   */
  async whenOpen(signal: AbortSignal): Promise<ChannelModel | undefined> {
    while (this.#model === undefined && !this.#closed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#waiters.delete(wake);
          signal.removeEventListener("abort", wake);
          resolve();
        };
        this.#waiters.add(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
    return signal.aborted || this.#closed ? undefined : this.#model;
  }

  /** Closes the connection for good: no more reconnection. Close subscribers first, so they can finish. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeAll();
    const model = this.#model;
    this.#model = undefined;
    try {
      await model?.close();
    } catch {
      // already closed by the broker
    }
  }

  /** Connects for the first time: a failure rejects, with its Kit code. */
  async start(): Promise<void> {
    await this.#connectOnce();
  }

  #open(): ChannelModel {
    if (this.#model !== undefined) return this.#model;
    const why = this.#closed ? "the connection was closed" : "the connection to the broker is lost; reconnecting";
    throw new KitError(Code.Unavailable, `AMQP: ${why}`);
  }

  async #connectOnce(): Promise<void> {
    let model: ChannelModel;
    try {
      model = await amqpConnect(this.#url, this.#options.socketOptions);
    } catch (thrown) {
      throw fromAmqpError(thrown, "AMQP: cannot connect to the broker");
    }
    model.on("error", (err: unknown) => {
      this.#lastError = err;
    });
    model.once("close", (err: unknown) => {
      this.#lost(model, err ?? this.#lastError);
    });
    model.on("blocked", (reason: unknown) => {
      this.#blocked = typeof reason === "string" && reason !== "" ? reason : "a resource alarm";
      this.#observe(new KitError(Code.ResourceExhausted, `AMQP: the broker blocks publishing (${this.#blocked}); publishes fail with resource_exhausted until it unblocks`));
    });
    model.on("unblocked", () => {
      this.#blocked = undefined;
      this.#observe(new KitError(Code.ResourceExhausted, "AMQP: the broker publishes again (unblocked); the alarm is over"));
    });
    if (this.#options.noDelay !== false) (model as WithSocket).connection?.stream?.setNoDelay?.(true);
    if (this.#closed) {
      await model.close().catch(() => undefined);
      return;
    }
    for (const declaration of this.#declarations) {
      await this.#declareOn(model, declaration).catch((thrown: unknown) => {
        this.#observe(fromAmqpError(thrown, "AMQP: a declaration failed after reconnecting"));
      });
    }
    this.#model = model;
    this.#blocked = undefined;
    this.#shared.clear();
    this.#opened.clear();
    this.#generation += 1;
    this.#wakeAll();
  }

  async #declareOn(model: ChannelModel, declaration: Declaration): Promise<void> {
    const channel = await model.createChannel();
    channel.on("error", () => undefined); // the failed declaration rejects with it
    await declaration(channel);
    await channel.close().catch(() => undefined);
  }

  #lost(model: ChannelModel, cause: unknown): void {
    if (this.#model !== model) return; // closed before it was in use, or by close()
    this.#model = undefined;
    this.#shared.clear();
    this.#opened.clear();
    this.#lastError = undefined;
    if (this.#closed) return;
    this.#observe(fromAmqpError(cause ?? new Error("the connection closed"), "AMQP: lost the connection to the broker; reconnecting"));
    void this.#reconnect(Date.now());
  }

  async #reconnect(since: number): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(attempt, this.#options)));
      if (this.#isClosed()) return; // closed while waiting
      try {
        await this.#connectOnce();
      } catch {
        continue; // the broker is still away
      }
      const seconds = ((Date.now() - since) / 1_000).toFixed(1);
      this.#observe(new KitError(Code.Unavailable, `AMQP: reconnected to the broker after ${seconds} s (attempt ${String(attempt)}); the outage is over`));
      return;
    }
  }

  /** Read afresh after an await (where a narrowed `#closed` would be stale). */
  #isClosed(): boolean {
    return this.#closed;
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/**
 * Connects to RabbitMQ and keeps the connection: a {@link AmqpConnection} that reconnects by
 * itself, to give Kit's `subscriber`, `publisher` and `assertTopology` instead of an amqplib
 * channel. Resolves once connected; the first connection failing rejects, with its Kit code
 * (`unavailable` when the broker cannot be reached, `unauthenticated` when it refuses the
 * login), so a misconfigured service fails at start. Close it with `close()` after the
 * subscribers.
 *
 * @param url - the broker, as for amqplib: `amqp://user:password@host:5672/vhost?heartbeat=30`
 * @param options - the error handler, the reconnection backoff and amqplib's socket options
 *
 * @example
 * ```ts
 * const connection = await connect("amqp://guest:guest@127.0.0.1:5672", { errorHandler: logErrorHandler(logger) });
 * await assertTopology(connection, "orders");        // declared again after every reconnection
 * const sub = subscriber(connection, "orders", bill, decodeJSONMessage(Order), encodeJSONMessage);
 * ```
 */
export async function connect(url: string | Options.Connect, options: ConnectOptions = {}): Promise<AmqpConnection> {
  const connection = new AmqpConnection(url, options);
  await connection.start();
  return connection;
}

/** Whether `value` is a connection from {@link connect} (rather than an amqplib channel). */
export function isAmqpConnection(value: unknown): value is AmqpConnection {
  return value instanceof AmqpConnection;
}
