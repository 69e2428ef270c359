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
  const { block = 5_000 } = options;
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const calls = new ReplyCorrelator<Message>();
  let reader: RedisStreamConnection | undefined;
  let opened: Promise<string> | undefined; // the id reading starts after
  let lastId = "0-0";
  let reading = false;
  let closed = false;
  const isClosed = (): boolean => closed; // read afresh after awaits

  const open = async (): Promise<string> => {
    const connection = client.duplicate();
    connection.on("error", () => undefined); // a read that fails says why
    reader = connection;
    try {
      await connection.connect();
      return String(await client.sendCommand(["XADD", stream, "*", "kit-open", "1"]));
    } catch (thrown) {
      connection.destroy(); // the next call makes another
      reader = undefined;
      throw thrown;
    }
  };

  const loop = async (): Promise<void> => {
    reading = true;
    let failures = 0;
    while (calls.waiting > 0 && !closed && reader !== undefined) {
      try {
        const reply = await reader.sendCommand(["XREAD", "COUNT", "100", "BLOCK", String(block), "STREAMS", stream, lastId], asBuffers);
        failures = 0;
        const entries = entriesOf(reply);
        for (const entry of entries) {
          lastId = entry.id;
          const message = toMessage(entry, 1, () => false);
          const id = message.headers.get(correlationHeader);
          if (id !== undefined) calls.deliver(id, message); // a reply nobody waits for any more is dropped (and trimmed below)
        }
        if (entries.length > 0) void client.sendCommand(["XTRIM", stream, "MINID", lastId]).catch(() => undefined);
      } catch (thrown) {
        if (isClosed()) break;
        failures += 1;
        observe(background(), fromRedisError(thrown, `XREAD ${stream}`));
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 100 * 2 ** failures)));
      }
    }
    reading = false;
    if (calls.waiting > 0 && !closed) void loop(); // a request arrived as this loop ended
  };

  const replies: RedisReplyStream = {
    stream,
    async close() {
      if (closed) return;
      closed = true;
      calls.close(new KitError(Code.Canceled, "the reply stream was closed"));
      reader?.destroy();
      // Bounded: node-redis would hold the DEL until it reconnects to a Redis that is away.
      if (opened !== undefined) await client.sendCommand(["DEL", stream], { abortSignal: AbortSignal.timeout(deleteWait) }).catch(() => undefined);
    },
  };
  states.set(replies, {
    call(ctx, correlationId, target, send) {
      const first = opened === undefined;
      opened ??= open();
      if (first) {
        opened.then(
          (id) => {
            lastId = id;
          },
          (thrown: unknown) => {
            opened = undefined; // the next call tries again
            calls.failAll(fromRedisError(thrown, `create the reply stream ${stream}`));
          },
        );
      }
      const starting = opened;
      const reply = calls.call(ctx, correlationId, target, () =>
        starting.then(() => {
          if (!reading && !closed) void loop();
          return send();
        }),
      );
      return reply;
    },
  });
  return replies;
}
