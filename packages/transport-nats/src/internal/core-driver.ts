import { background, Code, KitError } from "@kit/endpoint";
import { errorCodeHeader, errorMessageHeader, type Message } from "@kit/transport";
import { type MessageDriver } from "@kit/transport/driver";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/nats-core";
import { toNatsHeaders, withHeaders } from "./headers.ts";
import { readReceivedHeaders } from "./received-headers.ts";
import type { Inbox, NatsMsg } from "./inbox.ts";
import type { ReplyAllowed } from "./reply-namespace.ts";

/** The runtime's view of raw deliveries: a reply subject outside the namespace is kept aside as refused. */
function toCoreMessages(taken: readonly NatsMsg[], replyAllowed: ReplyAllowed): CoreMessage[] {
  return taken.map((raw): CoreMessage => {
    const reply = replySubjectOf(raw);
    const allowed = reply === undefined || replyAllowed(reply);
    return {
      body: raw.data,
      headers: readReceivedHeaders(raw),
      attempt: 1,
      reply: allowed ? reply : undefined,
      refusedReply: allowed ? undefined : reply, // a property every message has: one object shape, no spread
      raw,
    };
  });
}

/** A message's reply subject, `undefined` when it has none. */
export function replySubjectOf(raw: NatsMsg): string | undefined {
  return raw.reply === undefined || raw.reply === "" ? undefined : raw.reply;
}

/** What `ack` and `reply` return: core NATS has nothing to wait for. */
const done = Promise.resolve();

/** The runtime's view of a core NATS delivery. */
export interface CoreMessage extends Message {
  readonly raw: NatsMsg;
  /** A reply subject outside the subscriber's reply namespace: the request is not answered but dead-lettered. */
  readonly refusedReply?: string | undefined;
}

/** What the core driver needs besides the connection and the inbox. */
export interface CoreDriverOptions {
  /** Where messages that failed for good are published; none: see {@link coreDriver}. */
  readonly deadLetter: string | undefined;
  /** Reports an error that belongs to no attempt (the subscriber's error handler). */
  readonly report: (err: KitError) => void;
  /**
   * How a message is given back: `"republish"` it to its subject (a plain subscription in a
   * queue group, which has unsubscribed by then, so another member takes it); `"drop"` it (a
   * plain subscription without a queue group: every subscriber has its own copy, and a
   * republished one would be handled again by each of the others), reported as `canceled`; or
   * `"refuse"` it (a NATS service endpoint, whose subscription the service owns): a request is
   * answered `unavailable`, anything else reported as `data_loss`.
   */
  readonly release: "republish" | "drop" | "refuse";
  /** Whether a request's reply subject may be answered (the subscriber's `replyNamespace`). */
  readonly replyAllowed: ReplyAllowed;
}

/**
 * The {@link MessageDriver} for core NATS (a plain subscription or a NATS service endpoint):
 *
 * - retries are `"in-place"` (core NATS cannot redeliver) and `attempt` is always 1;
 * - `ack` does nothing (core NATS has no acknowledgements);
 * - `release` republishes the message, headers and reply address included, to the subject it
 *   came on, so another member of the queue group takes it (when no one listens, the server
 *   answers a request with "no responders", which its caller sees as `unavailable`); without a
 *   queue group it drops it and reports it (see {@link CoreDriverOptions.release});
 * - `deadLetter` publishes the body and the original headers plus the `kit-error-*` headers to
 *   the `deadLetter` subject and waits until the server has it (a flush); without one, a message
 *   nobody waits for is reported to the error handler as `data_loss` (a request's caller was
 *   already answered with the error);
 * - `reply` responds to the message's reply subject, when `replyAllowed` admits it (else the
 *   message has no `reply` but a `refusedReply`, which the subscriber dead-letters).
 */
export function coreDriver(nc: NatsConnection, inbox: Inbox, options: CoreDriverOptions): MessageDriver<CoreMessage> {
  const { deadLetter, report, replyAllowed } = options;
  return {
    retry: "in-place",
    receive: (max, signal) => inbox.take(max, signal).then((taken) => toCoreMessages(taken, replyAllowed)),
    ack: () => done,
    async release(message) {
      const { raw } = message;
      if (options.release === "refuse") {
        refuse(message, report);
        return;
      }
      if (options.release === "drop") {
        report(new KitError(Code.Canceled, `NATS ${raw.subject}: closed before handling a message; not republished, since without a queue group every subscriber has its own copy`));
        return;
      }
      // The reply subject as it came, refused or not: the member that takes it applies its own policy.
      const reply = replySubjectOf(raw);
      nc.publish(raw.subject, raw.data, {
        ...(raw.headers === undefined ? {} : { headers: raw.headers }),
        ...(reply === undefined ? {} : { reply }),
      });
      await nc.flush();
    },
    async deadLetter(message, headers) {
      const { raw } = message;
      if (deadLetter !== undefined) {
        nc.publish(deadLetter, raw.data, { headers: withHeaders(raw.headers, headers) });
        await nc.flush();
        return;
      }
      if (message.reply !== undefined) return;
      report(
        new KitError(
          Code.DataLoss,
          `dropped a message on ${raw.subject} that failed for good (${headers.get("kit-error-code") ?? "unknown"}: ${headers.get("kit-error-message") ?? ""}); set the subscriber's deadLetter subject to keep such messages`,
        ),
      );
    },
    reply(message, reply) {
      const hdrs = toNatsHeaders(reply.headers);
      const sent = message.raw.respond(reply.body, hdrs === undefined ? undefined : { headers: hdrs });
      if (!sent) return Promise.reject(new KitError(Code.Internal, `the message on ${message.raw.subject} has no reply subject`));
      return done;
    },
  };
}

/** Answers a request that will not be handled with `unavailable`; reports anything else as lost. */
export function refuse(message: { readonly raw: NatsMsg; readonly reply?: string | undefined }, report: (err: KitError) => void): void {
  const { raw } = message;
  if (message.reply === undefined) {
    report(new KitError(Code.DataLoss, `dropped a message on ${raw.subject}: the endpoint closed before handling it`));
    return;
  }
  const hdrs = natsHeaders();
  hdrs.set(errorCodeHeader, Code.Unavailable);
  hdrs.set(errorMessageHeader, `${raw.subject}: the endpoint is closing, try again`);
  raw.respond(new Uint8Array(0), { headers: hdrs });
}

/** The subscriber's error handler with no request's context. */
export function reporter(observe: (ctx: ReturnType<typeof background>, err: KitError) => void): (err: KitError) => void {
  return (err) => {
    observe(background(), err);
  };
}
