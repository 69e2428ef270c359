import { Code, KitError } from "@kit/endpoint";
import { Deadlines } from "@kit/transport/driver";
import { createInbox, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { fromNatsError } from "./errors.ts";

/** A request waiting for its reply. */
interface Waiting {
  readonly token: string;
  readonly subject: string;
  readonly budget: number;
  readonly expires: number;
  readonly resolve: (reply: Msg) => void;
  readonly reject: (err: KitError) => void;
}

/** The error a publish permission violation comes as (see `PermissionViolationError`). */
interface PermissionError extends Error {
  readonly operation?: string;
  readonly subject?: string;
}

/**
 * Request/reply on one connection: every request's reply subject is `<inbox>.<token>` under one
 * subscription to `<inbox>.*`, as nats.js's own `nc.request` does, and the reply is matched to
 * its request by the token.
 *
 * Kit's publishers use this rather than `nc.request` for what that call spends on things a Kit
 * call does not use: it makes an error with a stack trace for every request, even one that
 * succeeds (its `cancel` builds the rejection it then discards), and a timer and a promise race
 * of its own. Here a request costs a map entry, a promise and one `publish`, and every deadline
 * is on one timer ({@link Deadlines}). The outcomes are the same, as `KitError`s: the reply; no
 * responders (the server's 503) is `unavailable`; no reply within the budget is
 * `deadline_exceeded`; a publish permission violation for the subject is `permission_denied`;
 * the connection closing fails what waits with `unavailable`.
 */
export class Replies {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #waiting = new Map<string, Waiting>();
  readonly #deadlines = new Deadlines<Waiting>((entry) => {
    this.#end(entry)?.reject(new KitError(Code.DeadlineExceeded, `NATS ${entry.subject}: no reply within ${String(entry.budget)} ms`));
  });
  #next = 0;
  #closed = false;

  /** Subscribes to the connection's reply inbox; throws what `nc.subscribe` throws (a closed connection). */
  constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#inbox = `${createInbox(inboxPrefix(nc))}.`;
    const subscription = nc.subscribe(`${this.#inbox}*`, {
      callback: (err, msg) => {
        if (err === null) this.#deliver(msg);
        else this.#failAll(fromNatsError(err, this.#inbox));
      },
    });
    void subscription.closed.then(() => {
      this.#closed = true;
      this.#failAll(new KitError(Code.Unavailable, "NATS: the connection closed before the reply came"));
    });
    this.#watchPermissions().catch(() => undefined); // without it, a refused publish fails at its deadline instead
  }

  /** Whether the inbox subscription has ended (the connection closed or drained): make a new one. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Publishes `data` to `subject` with a reply subject of this inbox, and resolves with the reply. */
  request(subject: string, data: Uint8Array, headers: MsgHdrs | undefined, budget: number): Promise<Msg> {
    const token = (this.#next++).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const entry: Waiting = { token, subject, budget, expires: Date.now() + budget, resolve, reject };
      this.#waiting.set(token, entry);
      this.#deadlines.add(entry);
      const reply = this.#inbox + token;
      try {
        this.#nc.publish(subject, data, headers === undefined ? { reply } : { reply, headers });
      } catch (err) {
        this.#end(entry);
        reject(fromNatsError(err, subject));
      }
    });
  }

  #deliver(msg: Msg): void {
    const entry = this.#waiting.get(msg.subject.slice(this.#inbox.length));
    if (entry === undefined) return; // late: its request already ended
    this.#end(entry);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      entry.reject(new KitError(Code.Unavailable, `NATS ${entry.subject}: no responders`));
      return;
    }
    entry.resolve(msg);
  }

  /** Stops waiting for `entry`; returns it, or `undefined` if it had ended already. */
  #end(entry: Waiting): Waiting | undefined {
    if (!this.#waiting.delete(entry.token)) return undefined;
    this.#deadlines.delete(entry);
    return entry;
  }

  #failAll(err: KitError): void {
    for (const entry of Array.from(this.#waiting.values())) this.#end(entry)?.reject(err);
  }

  /** The server refuses a publish asynchronously (`-ERR`): fail the requests to that subject at once rather than at their deadline. */
  async #watchPermissions(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type !== "error") continue;
      const err = status.error as PermissionError;
      if (err.name !== "PermissionViolationError" || err.operation !== "publish") continue;
      const refused = fromNatsError(err, err.subject ?? "");
      for (const entry of Array.from(this.#waiting.values())) {
        if (entry.subject === err.subject) this.#end(entry)?.reject(refused);
      }
    }
  }
}

const open = new WeakMap<NatsConnection, Replies>();

/**
 * Sends a request on `nc` and resolves with its reply, through the connection's {@link Replies}
 * (made on first use, and again after the connection closed the last one). Every failure is a
 * `KitError`.
 */
// eslint-disable-next-line max-params -- internal; nc.request's own arguments
export function request(nc: NatsConnection, subject: string, data: Uint8Array, headers: MsgHdrs | undefined, budget: number): Promise<Msg> {
  let replies = open.get(nc);
  if (replies === undefined || replies.closed) {
    try {
      replies = new Replies(nc);
    } catch (err) {
      return Promise.reject(fromNatsError(err, subject));
    }
    open.set(nc, replies);
  }
  return replies.request(subject, data, headers, budget);
}

/** The connection's `inboxPrefix` option, if it has one (reply subjects must match what its permissions allow). */
function inboxPrefix(nc: NatsConnection): string | undefined {
  const options = (nc as { readonly options?: { readonly inboxPrefix?: unknown } }).options;
  return typeof options?.inboxPrefix === "string" ? options.inboxPrefix : undefined;
}
