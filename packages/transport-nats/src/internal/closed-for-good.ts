import { Code, KitError } from "@kit/endpoint";
import type { Message } from "@kit/transport";
import type { MessageDriver } from "@kit/transport/driver";
import type { NatsConnection } from "@nats-io/nats-core";

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
 * Wraps a NATS subscriber's driver for a connection that closes for good (the client used up its
 * `maxReconnectAttempts`, or someone closed it): the subscriber's `ready` fails at once with
 * `unavailable` on a connection that is closed already; a connection that closes while the
 * subscriber runs is reported to the error handler once, as `unavailable`, and the subscriber
 * then waits quietly for its `close()` instead of failing every receive, and reporting it, a
 * few times a second forever.
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
  const idle = (signal: AbortSignal): Promise<readonly M[]> =>
    new Promise((resolve) => {
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
  const guarded: MessageDriver<M> = {
    ...driver,
    async ready(signal: AbortSignal): Promise<void> {
      if (nc.isClosed()) throw closedConnection(what);
      await driver.ready?.(signal);
    },
    async receive(max: number, signal: AbortSignal): Promise<readonly M[]> {
      if (nc.isClosed()) return idle(signal);
      try {
        return await driver.receive(max, signal);
      } catch (err) {
        if (nc.isClosed()) return idle(signal); // reported once, by the watch above
        throw err;
      }
    },
  };
  return {
    driver: guarded,
    stop: () => {
      stopped = true;
    },
  };
}
