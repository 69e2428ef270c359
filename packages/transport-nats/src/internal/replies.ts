import { Code, KitError, toKitError, type Context } from "@kit/endpoint";
import type { Message } from "@kit/transport";
import { ReplyCorrelator, type ReplyTarget } from "@kit/transport/driver";
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { fromNatsError } from "./errors.ts";
import { linkOf, lostWhileWaiting } from "./reachable.ts";
import { readReceivedHeaders } from "./received-headers.ts";

/** The error a publish permission violation comes as (see `PermissionViolationError`). */
interface PermissionError extends Error {
  readonly operation?: string;
  readonly subject?: string;
}

/**
 * Puts a request on the wire with `replySubject` as where its reply goes (a core publish's
 * reply subject, or a header of a message stored in a stream).
 */
export type PublishWithReply = (replySubject: string) => Promise<unknown> | undefined;

/**
 * Request/reply on one connection: every request's reply subject is `<inbox>.<token>` under one
 * subscription to `<inbox>.*`, as nats.js's own `nc.request` does, and the reply is matched to
 * its request by the token, on `@kit/transport`'s `ReplyCorrelator`. A reply comes back as a Kit
 * `Message` (its body, and its headers read as `readReceivedHeaders` reads them).
 *
 * Kit's publishers use this rather than `nc.request` for what that call spends on things a Kit
 * call does not use: it makes an error with a stack trace for every request, even one that
 * succeeds (its `cancel` builds the rejection it then discards), and a timer and a promise race
 * of its own. Here a request costs a map entry, a promise and one `publish`, and every deadline
 * is on one timer. The outcomes are the correlator's (the reply; `deadline_exceeded` at the
 * context's deadline or the publisher's `timeout`; the context's `canceled`), plus: no
 * responders (the server's 503) is `unavailable`; a publish permission violation for the
 * subject is `permission_denied`; the connection closing fails what waits, and every later
 * request on this inbox, with `unavailable`.
 */
export class Replies {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #calls = new ReplyCorrelator<Message>();
  #next = 0;
  #closed = false;

  /** Subscribes to the connection's reply inbox; throws what `nc.subscribe` throws (a closed connection). */
  constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#inbox = `${createInbox(inboxPrefix(nc))}.`;
    const subscription = nc.subscribe(`${this.#inbox}*`, {
      callback: (err, msg) => {
        if (err === null) this.#deliver(msg);
        else this.#calls.failAll(fromNatsError(err, this.#inbox));
      },
    });
    // A request whose answer was awaited when the connection was lost fails at once, not at its deadline.
    const failOnLoss = (down: boolean): void => {
      if (down) this.#calls.failAll(lostWhileWaiting());
    };
    const link = linkOf(nc);
    link.listeners.add(failOnLoss);
    void subscription.closed.then(() => {
      link.listeners.delete(failOnLoss);
      this.#closed = true;
      this.#calls.close(new KitError(Code.Unavailable, "NATS: the connection closed before the reply came"));
    });
    this.#watchPermissions().catch(() => undefined); // without it, a refused publish fails at its deadline instead
  }

  /** Whether the inbox subscription has ended (the connection closed or drained): make a new one. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends a request with `publish`, giving it a reply subject of this inbox, and resolves with
   * the reply (see the class for the failures).
   */
  call(ctx: Context, target: ReplyTarget, publish: PublishWithReply): Promise<Message> {
    const token = (this.#next++).toString(36);
    const replySubject = this.#inbox + token;
    return this.#calls.call(ctx, token, target, () => publish(replySubject));
  }

  #deliver(msg: Msg): void {
    const token = msg.subject.slice(this.#inbox.length);
    const body = msg.data; // read once: with a header block, each read makes a new view of the bytes
    if (body.length === 0 && msg.headers?.code === 503) {
      const target = this.#calls.targetOf(token);
      if (target !== undefined) this.#calls.fail(token, new KitError(Code.Unavailable, `${target.name}: no responders`));
      return;
    }
    this.#calls.deliver(token, { body, headers: readReceivedHeaders(msg), attempt: 1 }); // a late reply (its request already ended) is dropped
  }

  /** The server refuses a publish asynchronously (`-ERR`): fail the requests to that subject at once rather than at their deadline. */
  async #watchPermissions(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type !== "error") continue;
      const err = status.error as PermissionError;
      if (err.name !== "PermissionViolationError" || err.operation !== "publish" || err.subject === undefined) continue;
      this.#calls.failAll(fromNatsError(err, err.subject), err.subject);
    }
  }
}

const open = new WeakMap<NatsConnection, Replies>();

/**
 * The connection's {@link Replies}, made on first use, and again after the connection closed
 * the last one; a connection that cannot subscribe any more throws a `KitError`.
 */
export function repliesOf(nc: NatsConnection, subject: string): Replies {
  let replies = open.get(nc);
  if (replies === undefined || replies.closed) {
    try {
      replies = new Replies(nc);
    } catch (err) {
      throw fromNatsError(err, subject);
    }
    open.set(nc, replies);
  }
  return replies;
}

/**
 * Publishes `data` to the target's subject on `nc` and resolves with its reply, through the
 * connection's {@link Replies}. Every failure is a `KitError`.
 */
// eslint-disable-next-line max-params -- internal; nc.request's own arguments
export function request(nc: NatsConnection, ctx: Context, target: ReplyTarget, data: Uint8Array, headers: MsgHdrs | undefined): Promise<Message> {
  const subject = target.address;
  let replies: Replies;
  try {
    replies = repliesOf(nc, subject);
  } catch (err) {
    return Promise.reject(toKitError(err));
  }
  return replies.call(ctx, target, (reply) => {
    try {
      nc.publish(subject, data, headers === undefined ? { reply } : { reply, headers });
    } catch (err) {
      throw fromNatsError(err, subject);
    }
    return undefined;
  });
}

/** The connection's `inboxPrefix` option, if it has one (reply subjects must match what its permissions allow). */
export function inboxPrefix(nc: NatsConnection): string | undefined {
  const options = (nc as { readonly options?: { readonly inboxPrefix?: unknown } }).options;
  return typeof options?.inboxPrefix === "string" ? options.inboxPrefix : undefined;
}
