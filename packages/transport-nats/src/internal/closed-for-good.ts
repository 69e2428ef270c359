import { Code, KitError } from "@kit/endpoint";
import type { Message } from "@kit/transport";
import type { MessageDriver } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";
import { linkOf, reconnected } from "./reachable.ts";

/** What to tell a user whose connection closed for good. */
const advice = "connect with maxReconnectAttempts: -1 so the client never gives up, or make a new connection and subscriber";

/** Why a subscriber on a closed connection cannot work. */
export function closedConnection(what: string, cause?: unknown): KitError {
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return new KitError(Code.Unavailable, `NATS ${what}: the connection is closed for good${reason}; ${advice}`, cause === undefined ? undefined : { cause });
}

/** A driver that knows its connection may close for good, and the function to call when the subscriber closes. */
export interface GuardedDriver<M extends Message> {
  readonly driver: MessageDriver<M>;
  /** The subscriber is closing: a connection closed from now on is not reported. */
  readonly stop: () => void;
}

/**
 * Wraps a NATS subscriber's driver for a connection that goes away: while the client reconnects,
 * the subscriber reports it once (and once more when it is back) and waits instead of failing,
 * and reporting, every pull. A connection that closes for good (the client used up its
 * `maxReconnectAttempts`, or someone closed it) is reported once, as `unavailable`, and the
 * subscriber then waits quietly for its `close()` instead of failing every receive a few times a
 * second forever; on a connection closed already, the subscriber's `ready` fails at once with
 * `unavailable`.
 *
 * @param nc - the subscriber's connection
 * @param what - what the subscriber serves, for the messages
 * @param driver - the driver to guard
 * @param report - the subscriber's error handler
 */
export function guardClosed<M extends Message>(nc: NatsConnection, what: string, driver: MessageDriver<M>, report: (err: KitError) => void): GuardedDriver<M> {
  let stopped = false;
  void nc.closed().then((cause) => {
    if (!stopped) report(closedConnection(what, cause));
  });
  const link = linkOf(nc);
  const onChange = (down: boolean): void => {
    if (stopped || nc.isClosed()) return;
    if (down) report(new KitError(Code.Unavailable, `NATS ${what}: the server is away; the client is reconnecting`));
    else report(new KitError(Code.Unavailable, `NATS ${what}: the client reconnected after ${((Date.now() - link.since) / 1_000).toFixed(1)} s; the outage is over`));
  };
  link.listeners.add(onChange);
  const guarded: MessageDriver<M> = {
    ...driver,
    async ready(signal: AbortSignal): Promise<void> {
      if (nc.isClosed()) throw closedConnection(what);
      await driver.ready?.(signal);
    },
    async receive(max: number, signal: AbortSignal): Promise<readonly M[]> {
      if (link.down) await reconnected(nc, signal); // while the server is away: waits, rather than failing every pull
      if (nc.isClosed()) return idle(signal);
      try {
        return await driver.receive(max, signal);
      } catch (err) {
        if (nc.isClosed()) return idle(signal); // reported once, by the watch above
        if (link.down) return []; // reported once, by onChange; the next receive waits
        throw err;
      }
    },
  };
  return {
    driver: guarded,
    stop: () => {
      stopped = true;
      link.listeners.delete(onChange);
    },
  };
}

/** Nothing, once `signal` aborts: a receive on a connection closed for good. */
function idle<M>(signal: AbortSignal): Promise<readonly M[]> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve([]);
    else {
      signal.addEventListener(
        "abort",
        () => {
          resolve([]);
        },
        { once: true },
      );
    }
  });
}
