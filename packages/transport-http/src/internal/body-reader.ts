import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { tooLarge } from "./limits.ts";

const readerKey = Symbol("kit.bodyReader");

interface Reading {
  [readerKey]: BodyReader;
}

function readerOf(req: IncomingMessage): BodyReader {
  return (req as unknown as Reading)[readerKey];
}

function onData(this: IncomingMessage, chunk: Buffer): void {
  readerOf(this).chunk(chunk);
}

function onEnd(this: IncomingMessage): void {
  const reader = readerOf(this);
  reader.end(undefined, reader.body());
}

function onError(this: IncomingMessage, err: Error): void {
  const reader = readerOf(this);
  if (!reader.ended) reader.end(new KitError(Code.Canceled, `request body could not be read: ${err.message}`, { cause: err }), noBytes);
}

function onClose(this: IncomingMessage): void {
  const reader = readerOf(this);
  if (!reader.ended) reader.end(new KitError(Code.Canceled, "client closed the request before sending the whole body"), noBytes);
}

/** Told once how a read ended: an error (and no bytes), or the body. */
export type BodyWaiter = (err: KitError | undefined, body: Buffer) => void;

const noBytes = Buffer.alloc(0);

/**
 * One read of a request body with `data`/`end` listeners (no async iteration): a single chunk,
 * the usual case, is kept as it is; more are joined at the end. Past `limit` it stops pulling
 * bytes off the socket and fails with 413. The listeners stay on the request once it ended (it
 * ends with them), guarded so that each waiter hears once.
 */
export class BodyReader {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  readonly #onBody: (body: Buffer) => void;
  #first: Buffer | undefined = undefined;
  #more: Buffer[] | undefined = undefined;
  #size = 0;
  #waiters: BodyWaiter[] = [];
  #outcome: { err: KitError | undefined; body: Buffer } | undefined = undefined;

  constructor(req: IncomingMessage, limit: number, onBody: (body: Buffer) => void) {
    this.#req = req;
    this.#limit = limit;
    this.#onBody = onBody;
  }

  /** Starts reading, or fails at once for a declared length over the limit or a body read already. */
  start(): void {
    const req = this.#req;
    if (Number(req.headers["content-length"]) > this.#limit) {
      this.end(tooLarge(this.#limit), noBytes);
      return;
    }
    if (req.readableEnded) {
      this.end(new KitError(Code.Internal, "request body was already read by something else"), noBytes);
      return;
    }
    (req as unknown as Reading)[readerKey] = this;
    // Listeners shared by every request (`this` is the request), so a read makes no closures.
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  }

  /** Whether the read has ended (a request closes after its body, every time: no error to make then). */
  get ended(): boolean {
    return this.#outcome !== undefined;
  }

  /** Calls `waiter` when the read ends (at once if it has). */
  wait(waiter: BodyWaiter): void {
    if (this.#outcome === undefined) this.#waiters.push(waiter);
    else waiter(this.#outcome.err, this.#outcome.body);
  }

  /** Takes the next chunk. */
  chunk(chunk: Buffer): void {
    if (this.#outcome !== undefined) return;
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#req.pause(); // stop pulling bytes off the socket; the server closes the connection
      this.end(tooLarge(this.#limit), noBytes);
      return;
    }
    if (this.#first === undefined) this.#first = chunk;
    else (this.#more ??= [this.#first]).push(chunk);
  }

  /** The body received: the chunks joined. */
  body(): Buffer {
    if (this.#more !== undefined) return Buffer.concat(this.#more, this.#size);
    return this.#first ?? noBytes;
  }

  /** Ends the read with `err` or the body; only the first call counts. */
  end(err: KitError | undefined, body: Buffer): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = { err, body };
    if (err === undefined) this.#onBody(body);
    for (const waiter of this.#waiters) waiter(err, body);
    this.#waiters = [];
  }
}
