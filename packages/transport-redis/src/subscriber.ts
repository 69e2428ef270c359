import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { background, type Endpoint } from "@kit/endpoint";
import { defaultErrorHandler, type DecodeMessage, type EncodeMessage, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { RedisStreamClient } from "./client.ts";
import { RedisStreamDriver } from "./internal/driver.ts";
import type { RedisStreamMessage } from "./internal/entries.ts";

/** Options for a Redis Streams {@link subscriber}: the runtime's, plus Redis's own. */
export interface RedisSubscriberOptions extends SubscriberOptions {
  /** The consumer group; the group's consumers share the stream's entries. */
  readonly group: string;
  /**
   * This subscriber's consumer name in the group. Default: `<hostname>-<pid>-<random>`, new for
   * each subscriber; on `close()` a consumer that holds no pending entry leaves the group.
   */
  readonly consumer?: string;
  /**
   * Whether the subscriber creates the group, and the stream with it (`XGROUP CREATE … MKSTREAM`),
   * when they are missing (default `false`: a missing stream or group fails `ready` with
   * `not_found`).
   */
  readonly createGroup?: boolean;
  /** Where a group the subscriber creates starts: at the stream's first entry (`true`) or at new entries only (default `false`). */
  readonly fromBeginning?: boolean;
  /** Where a message that failed for good goes, with its fields plus `kit-error-*` (default `<stream>:dead-letter`). */
  readonly deadLetterStream?: string;
  /**
   * How long an entry may stay pending with no word from its consumer before another consumer
   * claims it (`XAUTOCLAIM`), in milliseconds (default 30 000): how soon the entries of a
   * consumer that died are handled again. While an entry is handled, the subscriber resets its
   * idle time every third of this, so a slow endpoint's entry is not claimed. It also bounds a
   * retry's delay.
   */
  readonly claimIdle?: number;
  /** How long one `XREADGROUP` blocks waiting for entries, in milliseconds (default 5 000). */
  readonly block?: number;
  /**
   * The reply namespace: the stream-name prefixes a request's `kit-reply-to` may start with. A
   * request whose reply stream is outside them is not answered but dead-lettered as
   * `permission_denied`, so whoever can add to the stream cannot make the subscriber write to
   * any key it can reach. Default `["<stream>:replies"]`: the requests on `sum` may be answered
   * on `sum:replies`, `sum:replies:7f3a` and the like. `[""]` accepts any stream.
   */
  readonly replyNamespace?: readonly string[];
}

/** A running Redis Streams subscriber. */
export interface RedisSubscriber extends Subscriber {
  /**
   * Resolves once the group is known to exist (or was created, with `createGroup`) and the
   * subscriber's blocking connection is up; rejects with a `KitError`: `not_found` for a missing
   * stream or group, `failed_precondition` for a key that is not a stream, `unauthenticated` or
   * `permission_denied` for credentials or an ACL Redis refuses, `unavailable` when Redis cannot
   * be reached (at once when the client is not connected). The subscriber reads nothing before; a failed check is reported to the
   * `errorHandler` and stops the subscriber.
   */
  readonly ready: Promise<void>;
}

/**
 * Runs `endpoint` on every entry of a Redis stream as a consumer of a consumer group, on Kit's
 * subscriber runtime: `XREADGROUP` on a connection of its own (never more entries than
 * `concurrency` has room for), `XACK` only after the endpoint (and the reply, for a request)
 * succeeded, the entries of a consumer that died claimed with `XAUTOCLAIM` after `claimIdle`,
 * the delivery count as the attempt (an entry delivered more than `maxAttempts` times is
 * dead-lettered unhandled), a retryable failure claimed again after the backoff, and a poison
 * entry added to `deadLetterStream` with `kit-error-code`, `kit-error-message` and
 * `kit-attempts` fields and acknowledged, in one step. A request (an entry with `kit-reply-to`,
 * see {@link replyStream}) is answered on its reply stream when that is inside
 * `replyNamespace`, dead-lettered as `permission_denied` otherwise.
 *
 * @param client - the user's node-redis client, connected
 * @param stream - the stream to consume
 * @param endpoint - runs on each message
 * @param decode - turns a message into the request, such as `decodeJSONMessage`
 * @param encode - writes the reply to a request, such as `encodeJSONMessage`
 * @param options - the group, and the runtime's options (`concurrency`, `maxAttempts`, hooks…)
 *
 * @example
 * ```ts
 * const sub = subscriber(redis, "orders", placeOrder, decodeJSONMessage(Order), encodeJSONMessage, {
 *   group: "billing",
 *   createGroup: true,
 * });
 * await sub.ready; // rejects with not_found when the group is missing and not to be created
 * process.once("SIGTERM", () => void sub.close());
 * ```
 */
// eslint-disable-next-line max-params -- the transport shape: server(endpoint, decode, encode, options) with the client and stream in front
export function subscriber<Req, Res>(
  client: RedisStreamClient,
  stream: string,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: RedisSubscriberOptions,
): RedisSubscriber {
  const { group, claimIdle = 30_000, block = 5_000 } = options;
  if (typeof group !== "string" || group === "") throw new RangeError("group must be a consumer group's name");
  if (!(Number.isInteger(claimIdle) && claimIdle >= 100)) throw new RangeError(`claimIdle must be whole milliseconds of at least 100, got ${String(claimIdle)}`);
  if (!(Number.isInteger(block) && block >= 1)) throw new RangeError(`block must be whole milliseconds of at least 1, got ${String(block)}`);
  const replyNamespace = options.replyNamespace ?? [`${stream}:replies`];
  const observe = observeErrors(options.errorHandler ?? defaultErrorHandler);
  const driver = new RedisStreamDriver({
    client,
    stream,
    group,
    consumer: options.consumer ?? `${hostname()}-${String(process.pid)}-${randomUUID().slice(0, 8)}`,
    deadLetterStream: options.deadLetterStream ?? `${stream}:dead-letter`,
    createGroup: options.createGroup ?? false,
    start: options.fromBeginning === true ? "0" : "$",
    claimIdle,
    block,
    maxAttempts: options.maxAttempts ?? 5,
    pendingAcks: options.concurrency ?? 16,
    closeTimeout: options.closeTimeout ?? 30_000,
    replyAllowed: (to) => replyNamespace.some((prefix) => to.startsWith(prefix)),
    observe: (err) => {
      observe(background(), err);
    },
  });
  const running = runSubscriber(driver, endpoint, refuseMarked(decode), encode, options);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= running.close().finally(() => driver.close()));
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** A message the driver refused (garbage, a foreign reply address, too many deliveries) fails before it is decoded: it is dead-lettered. */
function refuseMarked<Req>(decode: DecodeMessage<Req>): DecodeMessage<Req> {
  return (ctx, message) => {
    const refused = (message as Partial<RedisStreamMessage>).refused;
    if (refused !== undefined) throw refused;
    return decode(ctx, message);
  };
}
