import { Code, KitError } from "@kit/endpoint";
import type { OutgoingMessage } from "@kit/transport";
import { timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import type { RedisStreamClient, RedisStreamConnection } from "../client.ts";
import { correlationHeader } from "../headers.ts";
import { entryCommand, asBuffers, entriesOf, readEntries, toMessage, type RedisStreamMessage, type StreamEntry } from "./entries.ts";
import { fromRedisError } from "./errors.ts";
import { checkGroup } from "./group.ts";
import { deadLetterScript, leaveGroupScript } from "./scripts.ts";

/** What the driver needs. */
export interface RedisDriverConfig {
  readonly client: RedisStreamClient;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly deadLetterStream: string;
  /** Create the group (and the stream) when missing. */
  readonly createGroup: boolean;
  /** Where a group created here starts: `$` or `0`. */
  readonly start: string;
  /** How long an entry stays pending, unacknowledged and not heard of, before any consumer may claim it (ms). */
  readonly claimIdle: number;
  /** How long one `XREADGROUP` blocks at most (ms). */
  readonly block: number;
  /** Entries delivered more often than this are dead-lettered without being handled. */
  readonly maxAttempts: number;
  /** Whether a request's `kit-reply-to` stream may be answered. */
  readonly replyAllowed: (stream: string) => boolean;
  /**
   * How many acknowledged entries may wait for their `XACK` while the subscriber goes on reading;
   * past that, an ack waits for its `XACK`.
   */
  readonly pendingAcks: number;
  /**
   * How long, once the subscriber is closing, any of its commands may wait for Redis (ms): the
   * runtime's `closeTimeout`, so `close()` ends even while Redis cannot be reached (node-redis
   * would otherwise hold the commands in its offline queue until it reconnects).
   */
  readonly closeTimeout: number;
  /** Told about failures no caller sees (acks not waited for, heartbeats, the blocking connection, leaving the group). */
  readonly observe: (err: KitError) => void;
}

/** The most a reply stream keeps (`XADD … MAXLEN ~`): replies nobody reads do not pile up. */
const replyMaxLen = "10000";

/** How many ids one heartbeat `XCLAIM` carries. */
const heartbeatChunk = 500;

/** How long a closing read may stay blocked after `CLIENT UNBLOCK` before its connection is destroyed. */
const unblockGrace = 1_000;

/**
 * The Redis Streams `MessageDriver`: reads a consumer group with `XREADGROUP` on a connection of
 * its own (blocking, woken by `CLIENT UNBLOCK` on close or when a retry falls due), acknowledges
 * with `XACK` after success (batched), claims with `XAUTOCLAIM` the entries pending longer than
 * `claimIdle` (a dead consumer's, and its own retries and releases, whose idle time it sets so
 * they fall due at the right moment), takes the attempt from the delivery count (`XPENDING`),
 * keeps the idle time of the entries it holds low (`XCLAIM … JUSTID` every third of
 * `claimIdle`), and dead-letters with one script that adds to the dead-letter stream and acks.
 */
export class RedisStreamDriver implements MessageDriver<RedisStreamMessage> {
  readonly retry = "redeliver" as const;
  readonly #config: RedisDriverConfig;
  /** Ids of the entries in the runtime: the heartbeat keeps them from being claimed. */
  readonly #held = new Set<string>();
  #reader: RedisStreamConnection | undefined;
  #readerId: string | undefined;
  /** When the next `XAUTOCLAIM` is due (epoch ms). */
  #nextClaim = 0;
  #cursor = "0-0";
  /** When the read under way stops blocking by itself (epoch ms); `undefined` when none blocks. */
  #blockedUntil: number | undefined;
  /** The `XACK` being gathered in this turn of the event loop. */
  #acks: { ids: string[]; done: Promise<void> } | undefined;
  /** `XACK`s under way, which `ack` may not have waited for and `close` does. */
  readonly #acking = new Set<Promise<void>>();
  /** How many entries those `XACK`s carry. */
  #unacked = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  /** When the blocking connection was lost (epoch ms), while it is: its error and its return are reported once each. */
  #readerDownSince: number | undefined;
  /** Wakes the read waiting for the blocking connection to be ready again. */
  #wakeOnReady: (() => void) | undefined;
  /** Set once the subscriber is closing: its commands are then bounded by `closeTimeout`. */
  #closing = false;
  #watching = false;

  constructor(config: RedisDriverConfig) {
    this.#config = config;
  }

  /** Checks (or creates) the group, and connects the blocking connection. */
  async ready(): Promise<void> {
    const { client, stream, group, createGroup, start, claimIdle } = this.#config;
    // node-redis would hold the check until it connects: say now that Redis cannot be reached.
    if (!client.isReady) throw new KitError(Code.Unavailable, `Redis: the client is not connected, so the group ${group} of ${stream} cannot be checked`);
    await checkGroup(client, { stream, group, create: createGroup, start });
    const reader = client.duplicate();
    this.#reader = reader;
    reader.on("error", (err) => {
      if (this.#readerDownSince !== undefined) return; // once per outage
      this.#readerDownSince = Date.now();
      this.#config.observe(fromRedisError(err, `connection of the subscriber on ${stream}`));
    });
    reader.on("ready", () => {
      if (this.#readerDownSince !== undefined) {
        const seconds = ((Date.now() - this.#readerDownSince) / 1_000).toFixed(1);
        this.#config.observe(new KitError(Code.Unavailable, `Redis connection of the subscriber on ${stream}: reconnected after ${seconds} s; the outage is over`));
      }
      this.#readerDownSince = undefined;
      this.#learnReaderId(reader);
      this.#wakeOnReady?.();
    });
    try {
      await reader.connect();
      this.#readerId = String(await reader.sendCommand(["CLIENT", "ID"]));
    } catch (thrown) {
      reader.destroy(); // no reconnecting in the background for a subscriber that stopped
      this.#reader = undefined;
      throw fromRedisError(thrown, `connect for XREADGROUP on ${stream}`);
    }
    this.#heartbeat = setInterval(() => {
      this.#beat();
    }, Math.max(50, claimIdle / 3));
    this.#heartbeat.unref();
  }

  async receive(max: number, signal: AbortSignal): Promise<readonly RedisStreamMessage[]> {
    if (!this.#watching) {
      this.#watching = true;
      signal.addEventListener(
        "abort",
        () => {
          this.#closing = true;
        },
        { once: true },
      );
    }
    while (!signal.aborted) {
      if (Date.now() >= this.#nextClaim) {
        const claimed = await this.#claim(max);
        if (claimed.length > 0) return claimed;
      }
      const read = await this.#read(max, signal);
      if (read.length > 0) return read;
    }
    return [];
  }

  /**
   * Acknowledges with `XACK`; the acks of one turn of the event loop go in one `XACK`. The ack
   * does not wait for the `XACK` while fewer than `pendingAcks` entries are waiting for theirs, so
   * the next read overlaps it; an `XACK` that fails is reported, and the entry, still pending, is
   * claimed again after `claimIdle` (at least once). `close()` waits for every `XACK` under way.
   */
  ack(message: RedisStreamMessage): Promise<void> | undefined {
    this.#held.delete(message.id);
    const batch = (this.#acks ??= this.#gatherAcks());
    batch.ids.push(message.id);
    this.#unacked += 1;
    return this.#unacked > this.#config.pendingAcks ? batch.done : undefined;
  }

  #gatherAcks(): { ids: string[]; done: Promise<void> } {
    const { stream, group } = this.#config;
    const ids: string[] = [];
    const done = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      this.#acks = undefined;
      try {
        await this.#call(`XACK ${stream}`, ["XACK", stream, group, ...ids]);
      } finally {
        this.#unacked -= ids.length;
      }
    });
    const tracked = done.then(
      () => {
        this.#acking.delete(tracked);
      },
      (err: unknown) => {
        this.#acking.delete(tracked);
        const why = err as KitError;
        this.#config.observe(new KitError(why.code, `${String(ids.length)} entries were handled but not acknowledged (claimed again after claimIdle): ${why.message}`, { cause: err }));
      },
    );
    this.#acking.add(tracked);
    return { ids, done };
  }

  /** Leaves the entry pending with its idle time set so that an `XAUTOCLAIM` (any consumer's) takes it again after `delay`, at most `claimIdle`. */
  async retryLater(message: RedisStreamMessage, delay: number): Promise<void> {
    await this.#dueIn(message, delay);
  }

  /** Leaves the entry pending, claimable at once by any consumer. */
  async release(message: RedisStreamMessage): Promise<void> {
    await this.#dueIn(message, 0);
  }

  async deadLetter(message: RedisStreamMessage, errorHeaders: ReadonlyMap<string, string>): Promise<void> {
    const { stream, group, deadLetterStream } = this.#config;
    const headers = new Map(message.headers);
    for (const [name, value] of errorHeaders) headers.set(name, value);
    const args = entryCommand(["EVAL", deadLetterScript, "2", stream, deadLetterStream, group, message.id], message.body, headers);
    await this.#call(`dead-letter to ${deadLetterStream}`, args);
    this.#held.delete(message.id);
  }

  /** Adds the reply to the requester's stream, unless that stream is gone (its requester closed): then the reply is dropped. */
  async reply(message: RedisStreamMessage, reply: OutgoingMessage): Promise<void> {
    const to = message.reply;
    if (to === undefined) return;
    const correlation = message.headers.get(correlationHeader);
    if (correlation !== undefined) reply.headers.set(correlationHeader, correlation);
    await this.#call(`XADD ${to}`, entryCommand(["XADD", to, "NOMKSTREAM", "MAXLEN", "~", replyMaxLen, "*"], reply.body, reply.headers));
  }

  /** Stops the heartbeat and the blocking connection, and leaves the group if nothing is pending for this consumer. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    // What was handled is acknowledged before the connection goes; an XACK waiting for a Redis
    // that is away is left in node-redis's queue after closeTimeout (it is sent if Redis comes back).
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.#acking), new Promise((resolve) => (timer = setTimeout(resolve, this.#config.closeTimeout)))]);
    clearTimeout(timer);
    this.#reader?.destroy();
    this.#reader = undefined;
    if (this.#readerId === undefined) return; // never started
    const { stream, group, consumer } = this.#config;
    await this.#call(`XGROUP DELCONSUMER ${stream}`, ["EVAL", leaveGroupScript, "1", stream, group, consumer]).catch((err: unknown) => {
      this.#config.observe(fromRedisError(err, `leave the group ${group} of ${stream}`));
    });
  }

  // --- receiving -----------------------------------------------------------------------------

  /** Resolves once the blocking connection is ready again, or `signal` aborts. */
  #readerReady(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener("abort", done);
        this.#wakeOnReady = undefined;
        resolve();
      };
      this.#wakeOnReady = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** One `XREADGROUP … BLOCK` on the connection of its own, woken by `CLIENT UNBLOCK` when `signal` aborts. */
  async #read(max: number, signal: AbortSignal): Promise<RedisStreamMessage[]> {
    const { stream, group, consumer, block } = this.#config;
    const reader = this.#reader;
    if (reader === undefined) return [];
    const wait = Math.max(1, Math.min(block, this.#nextClaim - Date.now()));
    let destroyer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.#unblock();
      destroyer = setTimeout(() => {
        reader.destroy(); // the unblock did not come through (a connection that hangs)
      }, unblockGrace);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    this.#blockedUntil = Date.now() + wait;
    try {
      const args = ["XREADGROUP", "GROUP", group, consumer, "COUNT", String(max), "BLOCK", String(wait), "STREAMS", stream, ">"];
      const reply = await reader.sendCommand(args, { ...asBuffers, abortSignal: signal });
      return entriesOf(reply).map((entry) => this.#toMessage(entry, 1));
    } catch (thrown) {
      if (signal.aborted) return [];
      if (this.#readerDownSince === undefined) throw fromRedisError(thrown, `XREADGROUP ${stream} ${group}`);
      // The lost connection is reported once, and its return: the read waits for it rather than failing (and being reported) too.
      await this.#readerReady(signal);
      return [];
    } finally {
      this.#blockedUntil = undefined;
      clearTimeout(destroyer);
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Claims the entries pending longer than `claimIdle` with `XAUTOCLAIM`, at most `max`, with their delivery counts. */
  async #claim(max: number): Promise<RedisStreamMessage[]> {
    const { client, stream, group, consumer, claimIdle } = this.#config;
    const args = ["XAUTOCLAIM", stream, group, consumer, String(claimIdle), this.#cursor, "COUNT", String(max)];
    const reply = (await this.#call(`XAUTOCLAIM ${stream}`, args, true)) as unknown[];
    this.#cursor = Buffer.isBuffer(reply[0]) ? reply[0].toString() : "0-0";
    // A full scan waits for the next period; a partial one goes on at the next receive.
    this.#nextClaim = this.#cursor === "0-0" ? Date.now() + Math.min(5_000, claimIdle / 4) : 0;
    const entries = readEntries(reply[1]);
    await this.#ackGone(reply[1]);
    const counts = await Promise.all(
      entries.map(async (entry) => {
        const pending = await client.sendCommand(["XPENDING", stream, group, entry.id, entry.id, "1"]).catch(() => undefined);
        const count = Array.isArray(pending) && Array.isArray(pending[0]) ? Number(pending[0][3]) : Number.NaN;
        return Number.isInteger(count) && count > 0 ? count : 2; // claimed: delivered at least twice
      }),
    );
    return entries.map((entry, i) => this.#toMessage(entry, counts[i] ?? 2));
  }

  /**
   * Acknowledges the claimed ids whose entries were deleted from the stream (Redis 6.2 returns
   * them with no fields; Redis 7 drops them from the pending list itself): there is nothing to
   * handle, and left pending they would be claimed again and again.
   */
  async #ackGone(claimed: unknown): Promise<void> {
    if (!Array.isArray(claimed)) return;
    const gone = (claimed as unknown[]).filter((item) => Array.isArray(item) && !Array.isArray(item[1])).map((item) => String((item as unknown[])[0]));
    if (gone.length === 0) return;
    const { stream, group } = this.#config;
    await this.#call(`XACK ${stream}`, ["XACK", stream, group, ...gone]);
  }

  #toMessage(entry: StreamEntry, attempt: number): RedisStreamMessage {
    const { maxAttempts, replyAllowed } = this.#config;
    const message = toMessage(entry, attempt, replyAllowed);
    this.#held.add(message.id);
    spendTimeInStream(message);
    if (attempt <= maxAttempts || message.refused !== undefined) return message;
    const why = `entry ${entry.id} was delivered ${String(attempt)} times, more than maxAttempts (${String(maxAttempts)}), without being settled: its consumers died on it or gave it back`;
    return { ...message, refused: new KitError(Code.Aborted, why) };
  }

  // --- settling ------------------------------------------------------------------------------

  /** Sets the entry's idle time so that `XAUTOCLAIM` takes it after `delay`, and has this consumer look then. */
  async #dueIn(message: RedisStreamMessage, delay: number): Promise<void> {
    const { stream, group, consumer, claimIdle } = this.#config;
    this.#held.delete(message.id);
    const idle = Math.max(0, Math.round(claimIdle - Math.min(delay, claimIdle)));
    await this.#call(`XCLAIM ${stream}`, ["XCLAIM", stream, group, consumer, "0", message.id, "IDLE", String(idle), "JUSTID"]);
    const due = Date.now() + Math.min(delay, claimIdle);
    if (due < this.#nextClaim) {
      this.#nextClaim = due;
      this.#cursor = "0-0";
      if (this.#blockedUntil !== undefined && due < this.#blockedUntil) this.#unblock();
    }
  }

  /** Wakes the blocked `XREADGROUP` (it returns nothing), from the client's own connection. */
  #unblock(): void {
    const id = this.#readerId;
    if (id === undefined) return;
    this.#config.client.sendCommand(["CLIENT", "UNBLOCK", id]).catch((err: unknown) => {
      this.#config.observe(fromRedisError(err, "CLIENT UNBLOCK"));
    });
  }

  #learnReaderId(reader: RedisStreamConnection): void {
    reader.sendCommand(["CLIENT", "ID"]).then(
      (id) => {
        this.#readerId = String(id);
      },
      () => undefined, // the connection dropped again; the next `ready` asks again
    );
  }

  /** Resets the idle time of every entry held (`XCLAIM … JUSTID`), so no consumer claims what is being handled. */
  #beat(): void {
    if (this.#held.size === 0) return;
    const { stream, group, consumer } = this.#config;
    const ids = [...this.#held];
    for (let i = 0; i < ids.length; i += heartbeatChunk) {
      const chunk = ids.slice(i, i + heartbeatChunk);
      this.#call(`XCLAIM ${stream}`, ["XCLAIM", stream, group, consumer, "0", ...chunk, "JUSTID"]).catch((err: unknown) => {
        this.#config.observe(err as KitError);
      });
    }
  }

  async #call(what: string, args: readonly (string | Buffer)[], buffers = false): Promise<unknown> {
    const options = this.#closing ? { ...(buffers ? asBuffers : {}), abortSignal: AbortSignal.timeout(this.#config.closeTimeout) } : buffers ? asBuffers : undefined;
    try {
      return await this.#config.client.sendCommand(args, options);
    } catch (thrown) {
      throw fromRedisError(thrown, what);
    }
  }
}

/** Takes the time the entry spent in the stream (since its id's time) off its `kit-timeout`: the caller counted from when it sent. */
function spendTimeInStream(message: RedisStreamMessage): void {
  const timeout = message.headers.get(timeoutHeader);
  if (timeout === undefined || !/^\d{1,8}$/.test(timeout)) return;
  const added = Number(message.id.slice(0, message.id.indexOf("-")));
  if (!Number.isFinite(added)) return;
  message.headers.set(timeoutHeader, String(Math.max(0, Number(timeout) - Math.max(0, Date.now() - added))));
}
