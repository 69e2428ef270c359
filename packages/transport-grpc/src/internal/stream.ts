import type { Readable, Writable } from "node:stream";
import { Code, KitError } from "@kit/endpoint";

/**
 * Writes one message. Returns `undefined` when the stream takes more at once, else a promise
 * that settles on `drain`: the caller awaits it, so a slow reader holds the writer back
 * instead of making it buffer. The promise rejects when `signal` aborts or the stream closes.
 */
export function send(stream: Writable, message: unknown, signal: AbortSignal): Promise<void> | undefined {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  if (stream.write(message)) return undefined;
  return drained(stream, signal);
}

/**
 * Settles on the stream's next `drain`, after a `write` that returned `false`: rejects when
 * `signal` aborts or the stream closes first.
 */
export function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: unknown): void => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
      if (err === undefined) resolve();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a signal's reason: the context's KitError
      else reject(err);
    };
    const onDrain = (): void => {
      settle();
    };
    const onAbort = (): void => {
      settle(signal.reason);
    };
    const onClose = (): void => {
      settle(signal.aborted ? signal.reason : new KitError(Code.Canceled, "the call ended before the message was sent"));
    };
    stream.on("drain", onDrain);
    stream.on("close", onClose);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The requests of a server call's readable stream, each passed through `decode`, read one at a
 * time as the consumer asks (grpc-js reads the next message off the wire only then). Stopping
 * early does not destroy the stream, so the other direction of a bidi call goes on. When
 * `signal` has aborted, the iteration fails with its reason.
 */
export async function* receive<T>(stream: Readable, decode: (wire: never) => T | Promise<T>, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const reader = new MessageReader<unknown>(stream);
  try {
    for (;;) {
      const wire = reader.read();
      if (wire !== undefined) {
        const decoded = decode(wire as never);
        yield decoded instanceof Promise ? await decoded : decoded;
      } else if (!(await reader.more())) break;
    }
    // A client's cancel also ends the server's readable side (HTTP/2 ends the stream it
    // resets), and grpc-js reports the cancel only once Node has closed the stream, in a later
    // turn of the event loop (measured: after the second check phase at most). Wait that long,
    // so the endpoint does not mistake a canceled call for a finished one.
    await nextChecks(2);
    if (signal.aborted) throw signal.reason as Error;
  } catch (err) {
    if (signal.aborted) throw signal.reason as Error;
    throw err;
  }
}

/** Resolves after `n` check phases of the event loop (nested `setImmediate`s). */
async function nextChecks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a readable call stream message by message without an async iterator of its own: the
 * caller's loop calls {@link MessageReader.read} and awaits {@link MessageReader.more} only when
 * nothing is buffered, so a stream costs one layer of async iteration (the caller's), as a
 * `for await` over the grpc-js call does. Messages are pulled off the wire only as they are
 * read, so a slow reader holds the sender back through flow control.
 */
export class MessageReader<W> {
  private readonly stream: Readable;
  private ended = false;
  private failure: { readonly error: unknown } | undefined;
  private wake: (() => void) | undefined;

  constructor(stream: Readable) {
    this.stream = stream;
    const wake = (): void => {
      const resolve = this.wake;
      this.wake = undefined;
      resolve?.();
    };
    stream.on("readable", wake);
    stream.on("end", () => {
      this.ended = true;
      wake();
    });
    stream.on("error", (error: unknown) => {
      this.failure ??= { error };
      wake();
    });
    stream.on("close", () => {
      this.ended = true;
      wake();
    });
  }

  /**
   * The next message, or `undefined` when none is buffered: then {@link MessageReader.more}
   * says whether the stream failed, ended, or may have more.
   */
  read(): W | undefined {
    const message = this.stream.read() as W | null;
    return message ?? undefined;
  }

  /**
   * For a caller that {@link MessageReader.read} nothing: throws the error the stream failed
   * with; resolves `false` when it has ended, else `true` once there may be something new.
   */
  async more(): Promise<boolean> {
    if (this.failure !== undefined) throw this.failure.error;
    if (this.ended) return false;
    await this.wait();
    return true;
  }

  /** Resolves when there may be something new: a message, the end, or an error. */
  private wait(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}
