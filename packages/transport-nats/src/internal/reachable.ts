import { Code, KitError } from "@kit/endpoint";
import type { NatsConnection } from "@nats-io/nats-core";

/** Whether a connection is disconnected now (the client is reconnecting), and who wants to know when that changes. */
export interface Link {
  /** True from the client's `disconnect` status until its `reconnect`. */
  down: boolean;
  /** When it went down (epoch ms). */
  since: number;
  /** Called with the new state on each change, and with `true`/`false` only: no repeats. */
  readonly listeners: Set<(down: boolean) => void>;
  /** Aborted when the connection is lost (or closes); a new one from each reconnection on. */
  connected: AbortController;
}

/** Why what waited for an answer failed when the connection was lost: it may have been handled, and its answer may be lost. */
export function lostWhileWaiting(): KitError {
  return new KitError(Code.Unavailable, "NATS: the connection to the server was lost while waiting for the answer; the request may have been handled");
}

const links = new WeakMap<NatsConnection, Link>();

/**
 * The {@link Link} of a connection, watched from the first call on through the client's status
 * events (one watch per connection, shared by its publishers and subscribers).
 *
 * @param nc - the connection
 */
export function linkOf(nc: NatsConnection): Link {
  let link = links.get(nc);
  if (link === undefined) {
    link = { down: false, since: 0, listeners: new Set(), connected: new AbortController() };
    links.set(nc, link);
    void watch(nc, link);
  }
  return link;
}

/**
 * Why a publish on `nc` cannot be made now, or `undefined` when it can: while the client is
 * reconnecting or after the connection closed, a publish would wait in the client's buffer until
 * the server is back or the call's deadline passes; Kit's publishers fail it at once with
 * `unavailable` instead.
 *
 * @param nc - the publisher's connection
 * @param subject - what is published to, for the message
 */
export function unreachable(nc: NatsConnection, subject: string): KitError | undefined {
  const link = linkOf(nc);
  if (nc.isClosed()) return new KitError(Code.Unavailable, `NATS ${subject}: the connection is closed`);
  if (link.down) return new KitError(Code.Unavailable, `NATS ${subject}: the server is away; the client is reconnecting`);
  return undefined;
}

/**
 * A signal aborted (with `unavailable`) when the connection is next lost: a publish waiting for
 * the server's answer races it, so that it fails at once rather than at its deadline (the client
 * would keep it waiting through the outage, and its answer may never come).
 *
 * @param nc - the connection
 */
export function untilDisconnected(nc: NatsConnection): AbortSignal {
  return linkOf(nc).connected.signal;
}

/**
 * Resolves once the client has reconnected, the connection closed (the status events end), or
 * `signal` aborted.
 *
 * @param nc - the connection
 * @param signal - stops the wait
 */
export async function reconnected(nc: NatsConnection, signal: AbortSignal): Promise<void> {
  const link = linkOf(nc);
  if (!link.down || signal.aborted) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      link.listeners.delete(done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    link.listeners.add(done);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function watch(nc: NatsConnection, link: Link): Promise<void> {
  for await (const status of nc.status()) {
    const down = status.type === "disconnect" ? true : status.type === "reconnect" ? false : link.down;
    if (down === link.down) continue;
    link.down = down;
    if (down) {
      link.since = Date.now();
      link.connected.abort(lostWhileWaiting());
    } else link.connected = new AbortController();
    for (const listener of [...link.listeners]) listener(down);
  }
  // The connection closed: whoever waits for it to come back waits no more.
  link.connected.abort(lostWhileWaiting());
  for (const listener of [...link.listeners]) listener(link.down);
}
