import type { Channel } from "amqplib";

/** The part of amqplib's connection that holds the socket (not in amqplib's published types). */
interface WithSocket {
  readonly connection?: { readonly stream?: Partial<Corkable> };
}

interface Corkable {
  cork(): void;
  uncork(): void;
}

/** The sockets held now, so each is corked once per window. */
const holding = new WeakSet<object>();

/**
 * Makes the frames written on `channel`'s connection in this turn of the event loop leave
 * together, in one system call; call it right after a publish or ack.
 *
 * amqplib queues every frame on its channel's stream and, on the next `setImmediate`, writes
 * each to the socket with a write of its own, one system call each: a subscriber's reply and ack
 * are two, and for the messages of one read from the broker, twice as many. Here the socket is
 * corked (`socket.cork()`) once amqplib has scheduled that flush (a `process.nextTick` later)
 * and uncorked by a `setImmediate` queued after it, so the flush goes out as one `writev`, in
 * the same turn of the loop as it would have. Nothing waits longer; other writes on the
 * connection in that window go with them. A stream without `cork` is left as it is.
 */
export function batchWrites(channel: Channel): void {
  const stream = (channel as WithSocket).connection?.stream;
  if (stream === undefined || holding.has(stream) || typeof stream.cork !== "function" || typeof stream.uncork !== "function") return;
  holding.add(stream);
  process.nextTick(corkUntilFlushed, stream);
}

function corkUntilFlushed(socket: Corkable): void {
  socket.cork();
  setImmediate(uncork, socket);
}

function uncork(socket: Corkable): void {
  holding.delete(socket);
  socket.uncork();
}
