import type { Channel } from "amqplib";

/** The part of amqplib's connection that holds the socket (not in amqplib's published types). */
interface WithSocket {
  readonly connection?: { readonly stream?: { setNoDelay?: (noDelay: boolean) => unknown } };
}

/**
 * Turns Nagle's algorithm off on the socket under `channel` (TCP_NODELAY), as Go's `net`
 * package and RabbitMQ's own Java and .NET clients do by default, and amqplib does not.
 *
 * A Kit subscriber acknowledges and replies after the endpoint has run, a few microtasks after
 * the delivery arrived; with Nagle on, such a small write waits behind an earlier one until the
 * broker's delayed TCP acknowledgement (40 ms on Linux), and with a prefetch window every
 * message behind it waits too. Measured here: one round trip in a hundred took 40-48 ms, and
 * request/reply ran at half the rate. A socket that is not a TCP socket (a stream the user made)
 * is left as it is.
 */
export function noDelay(channel: Channel): void {
  const stream = (channel as WithSocket).connection?.stream;
  if (typeof stream?.setNoDelay === "function") stream.setNoDelay(true);
}
