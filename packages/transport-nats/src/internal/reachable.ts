import { Code, KitError } from "@kit/endpoint";
import type { NatsConnection } from "@nats-io/nats-core";

/** Whether each connection a publisher used is disconnected now (the client is reconnecting). */
const away = new WeakMap<NatsConnection, { down: boolean }>();

/**
 * Why a publish on `nc` cannot be made now, or `undefined` when it can: while the client is
 * reconnecting (after its `disconnect` status, until `reconnect`) or after the connection
 * closed, a publish would wait in the client's buffer until the server is back or the call's
 * deadline passes; Kit's publishers fail it at once with `unavailable` instead. The first call
 * for a connection starts watching its status.
 *
 * @param nc - the publisher's connection
 * @param subject - what is published to, for the message
 */
export function unreachable(nc: NatsConnection, subject: string): KitError | undefined {
  let state = away.get(nc);
  if (state === undefined) {
    state = { down: false };
    away.set(nc, state);
    void watch(nc, state);
  }
  if (nc.isClosed()) return new KitError(Code.Unavailable, `NATS ${subject}: the connection is closed`);
  if (state.down) return new KitError(Code.Unavailable, `NATS ${subject}: the server is away; the client is reconnecting`);
  return undefined;
}

async function watch(nc: NatsConnection, state: { down: boolean }): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === "disconnect") state.down = true;
    else if (status.type === "reconnect") state.down = false;
  }
}
