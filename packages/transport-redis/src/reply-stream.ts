import { background, Code, KitError, type Context } from "@kit/endpoint";
import { defaultErrorHandler, type ErrorHandler, type Message } from "@kit/transport";
import { observeErrors, ReplyCorrelator, type ReplyTarget, type SendRequest } from "@kit/transport/driver";
import type { RedisStreamClient, RedisStreamConnection } from "./client.ts";
import { correlationHeader } from "./headers.ts";
import { asBuffers, entriesOf, toMessage } from "./internal/entries.ts";
import { fromRedisError } from "./internal/errors.ts";

/**
 * A stream a {@link publisher} receives replies on, for request/reply over Redis Streams:
 * requests carry its name in `kit-reply-to` and a fresh `kit-correlation-id`; while requests
 * wait, it reads the stream (`XREAD … BLOCK`, on a connection of its own), hands each reply to
 * the request with the same id, and trims what it read. Use one per process, named inside the
 * subscribers' reply namespace (`<stream>:replies…` by default).
 */
export interface RedisReplyStream {
  /** The stream's key. */
  readonly stream: string;
  /**
   * Stops reading and deletes the stream (waiting up to 5 s for Redis); requests still waiting,
   * and later ones, fail with `canceled`. Calling it again does nothing.
   */
  close(): Promise<void>;
}

/** The waiting side of a reply stream: what the publisher calls. */
interface ReplyState {
  /** Registers the call, runs `send` once the stream exists, and resolves with the reply (see `ReplyCorrelator.call`). */
  call(ctx: Context, correlationId: string, target: ReplyTarget, send: SendRequest): Promise<Message>;
}

/** How long `close()` waits to delete the reply stream (ms). */
const deleteWait = 5_000;

const states = new WeakMap<RedisReplyStream, ReplyState>();

/** The waiting side of a reply stream, for the publisher. */
export function replyStateOf(replies: RedisReplyStream): ReplyState {
  const state = states.get(replies);
  if (state === undefined) throw new TypeError("not a reply stream made by replyStream()");
  return state;
}

/** Options for {@link replyStream}. */
export interface RedisReplyStreamOptions {
  /** How long one `XREAD` blocks, in milliseconds (default 5 000). */
  readonly block?: number;
  /** Told about read failures (reading goes on after a pause); default `defaultErrorHandler`. */
  readonly errorHandler?: ErrorHandler;
}

/**
 * Makes a {@link RedisReplyStream}. The stream is created at the first request (subscribers add
 * replies only to a reply stream that exists, so one whose requester closed is not made again)
 * and deleted by `close()`.
 *
 * @param client - the user's node-redis client, connected
 * @param stream - the reply stream's key, unique to this process, such as `sum:replies:<uuid>`
 * @param options - block time and an error handler
 *
 * @example
 * ```ts
 * const replies = replyStream(redis, `sum:replies:${randomUUID()}`);
 * const sum = publisher(redis, "sum", encodeJSONMessage, decodeJSONMessage<{ v: number }>(), { replies });
 * await replies.close();
 * ```
 */
export function replyStream(client: RedisStreamClient, stream: string, options: RedisReplyStreamOptions = {}): RedisReplyStream {
  const state = new ReplyStreamState(client, stream, options);
  const replies: RedisReplyStream = { stream, close: () => state.close() };
  states.set(replies, state);
  return replies;
}

/** A reply stream's inside: the calls waiting, the connection it reads on, and where it is in the stream. */
class ReplyStreamState implements ReplyState {
  readonly #client: RedisStreamClient;
  readonly #stream: string;
  readonly #block: number;
  readonly #observe: (err: KitError) => void;
  readonly #calls = new ReplyCorrelator<Message>();
  #reader: RedisStreamConnection | undefined;
  /** The stream's creation, resolving with the id reading starts after; `undefined` until the first call (and after it failed). */
  #opened: Promise<string> | undefined;
  #lastId = "0-0";
  #reading = false;
  #closed = false;

  constructor(client: RedisStreamClient, stream: string, options: RedisReplyStreamOptions) {
    this.#client = client;
    this.#stream = stream;
    this.#block = options.block ?? 5_000;
    const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
    this.#observe = (err) => {
      observe(background(), err);
    };
  }

  call(ctx: Context, correlationId: string, target: ReplyTarget, send: SendRequest): Promise<Message> {
    const starting = this.#opening();
    return this.#calls.call(ctx, correlationId, target, () =>
      starting.then(() => {
        if (!this.#reading && !this.#closed) void this.#loop();
        return send();
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#calls.close(new KitError(Code.Canceled, "the reply stream was closed"));
    this.#reader?.destroy();
    // Bounded: node-redis would hold the DEL until it reconnects to a Redis that is away.
    if (this.#opened !== undefined) await this.#client.sendCommand(["DEL", this.#stream], { abortSignal: AbortSignal.timeout(deleteWait) }).catch(() => undefined);
  }

  /** Whether `close()` was called: read afresh after an await. */
  #isClosed(): boolean {
    return this.#closed;
  }

  /** The stream's creation: started by the first call, and again by the next call after one failed (which fails the calls waiting). */
  #opening(): Promise<string> {
    if (this.#opened !== undefined) return this.#opened;
    const opened = this.#open();
    this.#opened = opened;
    opened.then(
      (id) => {
        this.#lastId = id;
      },
      (thrown: unknown) => {
        this.#opened = undefined; // the next call tries again
        this.#calls.failAll(fromRedisError(thrown, `create the reply stream ${this.#stream}`));
      },
    );
    return opened;
  }

  /** Connects the reading connection and creates the stream; resolves with the id of the entry that created it. */
  async #open(): Promise<string> {
    const connection = this.#client.duplicate();
    connection.on("error", () => undefined); // a read that fails says why
    this.#reader = connection;
    try {
      await connection.connect();
      return String(await this.#client.sendCommand(["XADD", this.#stream, "*", "kit-open", "1"]));
    } catch (thrown) {
      connection.destroy(); // the next call makes another
      this.#reader = undefined;
      throw thrown;
    }
  }

  /** Reads while calls wait, pausing (longer each time, up to 5 s) after a failed read. */
  async #loop(): Promise<void> {
    this.#reading = true;
    let failures = 0;
    while (this.#calls.waiting > 0 && !this.#closed && this.#reader !== undefined) {
      try {
        await this.#read(this.#reader);
        failures = 0;
      } catch (thrown) {
        if (this.#isClosed()) break;
        failures += 1;
        this.#observe(fromRedisError(thrown, `XREAD ${this.#stream}`));
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** failures)));
      }
    }
    this.#reading = false;
    if (this.#calls.waiting > 0 && !this.#closed) void this.#loop(); // a request arrived as this loop ended
  }

  /** One `XREAD … BLOCK`: hands each reply to the call with its correlation id, and trims what was read. */
  async #read(reader: RedisStreamConnection): Promise<void> {
    const reply = await reader.sendCommand(["XREAD", "COUNT", "100", "BLOCK", String(this.#block), "STREAMS", this.#stream, this.#lastId], asBuffers);
    const entries = entriesOf(reply);
    for (const entry of entries) {
      this.#lastId = entry.id;
      const message = toMessage(entry, 1, () => false);
      const id = message.headers.get(correlationHeader);
      if (id !== undefined) this.#calls.deliver(id, message); // a reply nobody waits for any more is dropped (and trimmed below)
    }
    if (entries.length > 0) void this.#client.sendCommand(["XTRIM", this.#stream, "MINID", this.#lastId]).catch(() => undefined);
  }
}
