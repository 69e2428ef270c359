import type { Context, Endpoint } from "@kit/endpoint";
import { httpStatusFromCode, writeError, type DecodeMessage, type EncodeMessage, type MessageErrorEncoder, type Subscriber, type SubscriberOptions } from "@kit/transport";
import { observeErrors, runSubscriber } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";
import type { ServiceGroup } from "@nats-io/services";
import { guardClosed } from "./internal/closed-for-good.ts";
import { coreDriver, refuse, replySubjectOf, reporter } from "./internal/core-driver.ts";
import { fromNatsError } from "./internal/errors.ts";
import { Inbox, type NatsMsg } from "./internal/inbox.ts";
import { defaultReplyNamespace, refuseForeignReplies, replyAllowedBy, type ReplyAllowed } from "./internal/reply-namespace.ts";

/** Which endpoint of a NATS service {@link serviceEndpoint} adds. */
export interface ServiceEndpointTarget {
  /** The service (from `new Svcm(nc).add(config)`) or one of its groups. */
  readonly service: ServiceGroup;
  /** The endpoint's name, as `nats micro info` lists it: a simple token such as `sum`. */
  readonly name: string;
  /** The subject it listens on, below the group's prefix; default the name. */
  readonly subject?: string;
  /** The endpoint's metadata, as `$SRV.INFO` reports it. */
  readonly metadata?: Record<string, string>;
  /** The queue group; default the service's (`q`, so instances share the requests). */
  readonly queue?: string;
}

/** Options for {@link serviceEndpoint}: the runtime's options plus the dead letter. */
export interface NatsServiceEndpointOptions extends SubscriberOptions {
  /** Where a message that failed for good is published, as for `subscriber` (`@kit/transport-nats`). */
  readonly deadLetter?: string;
  /**
   * The prefixes a request's reply subject may start with; a request outside them is
   * dead-lettered as `permission_denied`, not answered. Default the connection's inbox prefix,
   * `["_INBOX."]`, as for `subscriber` (`@kit/transport-nats`), where `nats req` and micro clients wait.
   */
  readonly replyNamespace?: readonly string[];
}

/** The headers the NATS micro protocol answers an error with, read by `nats req` and micro clients. */
const serviceErrorHeader = "Nats-Service-Error";
const serviceErrorCodeHeader = "Nats-Service-Error-Code";

/**
 * Serves an endpoint as an endpoint of a NATS service (the micro protocol of
 * `@nats-io/services`), so `nats micro ls`, `$SRV.PING`, `$SRV.INFO` and `$SRV.STATS` see it,
 * while Kit's subscriber runtime runs it exactly as `subscriber` (`@kit/transport-nats`) does: `concurrency`,
 * `kit-timeout` deadlines, in-place retries, `kit-error-*` error replies and `deadLetter`.
 * An error reply also carries the micro protocol's `Nats-Service-Error` (the message) and
 * `Nats-Service-Error-Code` (the HTTP status of the Kit code, such as 400 or 404).
 *
 * The service library counts each request (`num_requests`) when it hands it over; it cannot
 * see how long Kit's asynchronous handling takes or whether it failed, so `processing_time`
 * and `num_errors` stay near 0 (count those with the `finalizer` hooks or `@kit/metrics`).
 *
 * A request whose reply subject is outside `replyNamespace` (default the connection's inbox
 * prefix, `_INBOX.`) is not answered: it is dead-lettered as `permission_denied`.
 *
 * To shut down, stop the service first (`await service.stop()` unsubscribes and hands over what
 * was delivered), then `close()` the endpoint, which finishes what is in flight. A request that
 * reaches a closed endpoint is answered `unavailable`.
 *
 * @param nc - the connection the service runs on, for dead letters
 * @param target - the service, the endpoint's name, subject, metadata and queue group
 * @param endpoint - the endpoint to run on each request
 * @param decode - turns a request into the endpoint's, such as `decodeJSONMessage(schema)`
 * @param encode - writes the reply, such as `encodeJSONMessage`
 * @param options - dead letter, and the runtime's hooks and limits
 *
 * @example
 * ```ts
 * const service = await new Svcm(nc).add({ name: "addsvc", version: "1.0.0" });
 * const group = service.addGroup("addsvc");
 * const sum = serviceEndpoint(nc, { service: group, name: "sum" }, sumEndpoint, decodeSum, encodeJSONMessage);
 * // nats micro ls → addsvc 1.0.0 …; nats req addsvc.sum '{"a":1,"b":2}' → {"v":3}
 * ```
 */
// eslint-disable-next-line max-params -- Go kit's NewSubscriber(endpoint, dec, enc, options...), with the connection and service in front
export function serviceEndpoint<Req, Res>(
  nc: NatsConnection,
  target: ServiceEndpointTarget,
  endpoint: Endpoint<Req, Res>,
  decode: DecodeMessage<Req>,
  encode: EncodeMessage<Res>,
  options: NatsServiceEndpointOptions = {},
): Subscriber {
  const { deadLetter, replyNamespace, ...runtimeOptions } = options;
  const replyAllowed = replyAllowedBy(replyNamespace ?? defaultReplyNamespace(nc));
  const { service, name, subject, metadata, queue } = target;
  const report = reporter(observeErrors(options.errorHandler));
  const inbox = new Inbox();
  let closed = false;
  service.addEndpoint(name, {
    ...(subject === undefined ? {} : { subject }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(queue === undefined ? {} : { queue }),
    handler: (err, msg) => {
      if (err !== null) {
        report(fromNatsError(err, subject ?? name));
        return;
      }
      const raw = msg as unknown as NatsMsg;
      if (closed) refuse({ raw, reply: allowedReply(raw, replyAllowed) }, report);
      else inbox.push(raw);
    },
  });
  const encodeError = options.errorEncoder ?? defaultErrorEncoder;
  const errorEncoder: MessageErrorEncoder = async (ctx: Context, err, reply) => {
    await encodeError(ctx, err, reply);
    reply.headers.set(serviceErrorHeader, reply.headers.get("kit-error-message") ?? err.message);
    reply.headers.set(serviceErrorCodeHeader, String(httpStatusFromCode(err.code)));
  };
  const driver = coreDriver(nc, inbox, { deadLetter, report, release: "refuse", replyAllowed });
  const guarded = guardClosed(nc, subject ?? name, driver, report);
  const running = runSubscriber(guarded.driver, endpoint, refuseForeignReplies(decode), encode, { ...runtimeOptions, errorEncoder });
  const closeTimeout = options.closeTimeout ?? 30_000;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      guarded.stop();
      await inbox.emptied(closeTimeout);
      closed = true;
      await running.close();
      for (const raw of inbox.takeAll()) refuse({ raw, reply: allowedReply(raw, replyAllowed) }, report);
    })());
  return { ready: running.ready, close, [Symbol.asyncDispose]: close };
}

/** A request's reply subject when the namespace admits it (a closing endpoint answers only those). */
function allowedReply(raw: NatsMsg, replyAllowed: ReplyAllowed): string | undefined {
  const reply = replySubjectOf(raw);
  return reply !== undefined && replyAllowed(reply) ? reply : undefined;
}

const defaultErrorEncoder: MessageErrorEncoder = (_ctx, err, reply) => {
  writeError(reply.headers, err);
};
