import { Code, KitError } from "@kit/endpoint";
import { type HeaderCarrier, type Message } from "@kit/transport";
import { timeoutHeader, type MessageDriver } from "@kit/transport/driver";
import type { Consumer, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { fromNatsError } from "./errors.ts";
import { readHeaders, toNatsHeaders, withHeaders } from "./headers.ts";
import type { Puller } from "./puller.ts";
import type { ReplyAllowed } from "./reply-namespace.ts";
import { publishToStream } from "./stream-publish.ts";

/** The header a JetStream request carries its reply subject in (a stream keeps no NATS reply subject). */
export const replyToHeader = "kit-reply-to";

/** The runtime's view of a JetStream delivery. */
export interface JetStreamMessage extends Message {
  readonly raw: JsMsg;
  /** A `kit-reply-to` outside the subscriber's reply namespace: the request is not answered but dead-lettered. */
  readonly refusedReply?: string;
}

/** What the JetStream driver needs besides the connection, the consumer and the puller. */
export interface JetStreamDriverOptions {
  /** Where dead letters are published, with a PubAck; none: the message is only terminated. */
  readonly deadLetter: string | undefined;
  /** Reports an error that belongs to no attempt. */
  readonly report: (err: KitError) => void;
  /** Whether a request's `kit-reply-to` subject may be answered (the subscriber's `replyNamespace`). */
  readonly replyAllowed: ReplyAllowed;
  /** How long a dead letter's PubAck and an ack's confirmation may take, in milliseconds. */
  readonly ackTimeout: number;
}

/**
 * The {@link MessageDriver} for a JetStream pull consumer with explicit acks:
 *
 * - retries are `"redeliver"`: `nak(delay)`, and `attempt` is the server's delivery count, so
 *   `maxAttempts` holds across restarts and consumers;
 * - `ack` is a confirmed ack (`ackAck`), so a lost ack is an error, not a silent redelivery;
 * - `release` is `nak()` (delivered again at once, to any consumer);
 * - `deadLetter` publishes to the `deadLetter` subject and waits for its stream's PubAck, then
 *   `term`s the message; without a subject it only `term`s it and
 *   reports one that nobody waits for as `data_loss`;
 * - `reply` publishes to the `kit-reply-to` header's subject, when `replyAllowed` admits it
 *   (else the message has a `refusedReply`, which the subscriber dead-letters);
 * - while a message runs, `working()` is sent every half `ack_wait`, so a slow endpoint does not
 *   get its message redelivered under it.
 */
export function jetstreamDriver(
  nc: NatsConnection,
  consumer: Consumer,
  puller: Puller,
  options: JetStreamDriverOptions,
): MessageDriver<JetStreamMessage> {
  const { deadLetter, report, ackTimeout, replyAllowed } = options;
  const keepAlive = new Map<JsMsg, NodeJS.Timeout>();
  let ackWait: number | undefined;

  const settled = (raw: JsMsg): void => {
    clearInterval(keepAlive.get(raw));
    keepAlive.delete(raw);
  };

  return {
    retry: "redeliver",
    async ready() {
      ackWait = await ackWaitOf(consumer, false); // a consumer that is gone or unfit rejects ready
    },
    async receive(max, signal) {
      ackWait ??= await ackWaitOf(consumer);
      const every = Math.max(100, Math.floor(ackWait / 2));
      const taken = await puller.take(max, signal);
      return taken.map((raw) => {
        keepAlive.set(raw, keepWorking(raw, every));
        return toMessage(raw, replyAllowed);
      });
    },
    async ack(message) {
      settled(message.raw);
      await message.raw.ackAck({ timeout: ackTimeout });
    },
    retryLater(message, delay) {
      settled(message.raw);
      message.raw.nak(Math.max(1, Math.round(delay)));
      return Promise.resolve();
    },
    release(message) {
      settled(message.raw);
      message.raw.nak();
      return Promise.resolve();
    },
    async deadLetter(message, headers) {
      const { raw } = message;
      settled(raw);
      const reason = `${headers.get("kit-error-code") ?? "unknown"}: ${headers.get("kit-error-message") ?? ""}`;
      if (deadLetter !== undefined) {
        await publishToStream(nc, deadLetter, raw.data, withHeaders(raw.headers, headers), ackTimeout);
      } else if (message.reply === undefined) {
        report(
          new KitError(
            Code.DataLoss,
            `terminated JetStream message ${raw.info.stream}#${raw.seq} that failed for good (${reason}); set the subscriber's deadLetter subject to keep such messages`,
          ),
        );
      }
      // No reason with the term: servers before 2.11 ignore a `+TERM <reason>` and leave the
      // message pending. The reason is in the dead letter's headers.
      raw.term();
    },
    reply(message, reply) {
      if (message.reply === undefined) return Promise.reject(new KitError(Code.Internal, "the message has no reply subject"));
      const hdrs = toNatsHeaders(reply.headers);
      nc.publish(message.reply, reply.body, hdrs === undefined ? undefined : { headers: hdrs });
      return Promise.resolve();
    },
  };
}

/** Tells the server every `every` ms that `raw` is still being worked on; the timer to clear once it is settled. */
function keepWorking(raw: JsMsg, every: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    try {
      raw.working();
    } catch {
      // the connection is gone: the message will be redelivered anyway
    }
  }, every);
  timer.unref();
  return timer;
}

/** A pulled message as the runtime sees it: its `kit-timeout` shortened by its time in the stream. */
function toMessage(raw: JsMsg, replyAllowed: ReplyAllowed): JetStreamMessage {
  const headers = readHeaders(raw.headers);
  const header = headers.get(replyToHeader);
  const reply = header === null || header === undefined || header === "" ? undefined : header;
  const allowed = reply === undefined || replyAllowed(reply);
  return {
    body: raw.data,
    headers: withQueueTime(headers, raw),
    attempt: raw.info.deliveryCount,
    reply: allowed ? reply : undefined,
    ...(allowed ? {} : { refusedReply: reply }),
    raw,
  };
}

/**
 * The consumer's ack wait in ms, from what the client knows of it (`cached`) or asked afresh of
 * the server; a consumer that is gone is `not_found`, one without explicit acks
 * `failed_precondition`.
 */
async function ackWaitOf(consumer: Consumer, cached = true): Promise<number> {
  const { config } = await consumer.info(cached).catch((err: unknown) => {
    if (err instanceof Error && err.name === "ConsumerNotFoundError") throw new KitError(Code.NotFound, `JetStream: ${err.message}`, { cause: err });
    throw fromNatsError(err, "JetStream consumer info");
  });
  if (config.ack_policy !== "explicit") {
    throw new KitError(Code.FailedPrecondition, `consumer ${config.durable_name ?? config.name ?? ""} must have ack_policy "explicit", has "${config.ack_policy}"`);
  }
  return Math.max(1, (config.ack_wait ?? 30_000_000_000) / 1_000_000);
}

/**
 * The headers with `kit-timeout` shortened by the time the message waited in the stream (from
 * its JetStream timestamp), so a caller's deadline is not stretched by a backlog.
 */
function withQueueTime(headers: HeaderCarrier, raw: JsMsg): HeaderCarrier {
  const value = headers.get(timeoutHeader);
  if (value === null || value === undefined || value === "" || !/^\d{1,8}$/.test(value)) return headers;
  const waited = Math.max(0, Date.now() - raw.info.timestampNanos / 1_000_000);
  const left = String(Math.max(0, Math.floor(Number(value) - waited)));
  return {
    get: (name) => (name === timeoutHeader ? left : headers.get(name)),
    set: (name, v) => {
      headers.set(name, v);
    },
  };
}
