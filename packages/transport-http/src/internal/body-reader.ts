import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { rawHeader } from "./raw-headers.ts";
import { requestState, tooLarge, type RequestState } from "./limits.ts";

/** The read under way of `req`'s body; `undefined` once it ended (the body took its place). */
function readerOf(req: IncomingMessage): BodyReader | undefined {
  const { body } = requestState(req);
  return body instanceof BodyReader ? body : undefined;
}

function onData(this: IncomingMessage, chunk: Buffer): void {
  readerOf(this)?.chunk(chunk);
}

function onEnd(this: IncomingMessage): void {
  const reader = readerOf(this);
  reader?.end(undefined, reader.body());
}

function onError(this: IncomingMessage, err: Error): void {
  readerOf(this)?.end(new KitError(Code.Canceled, `request body could not be read: ${err.message}`, { cause: err }), noBytes);
}

function onClose(this: IncomingMessage): void {
  readerOf(this)?.end(new KitError(Code.Canceled, "client closed the request before sending the whole body"), noBytes);
}

/** Told once how a read ended: an error (and no bytes), or the body. */
export type BodyWaiter = (err: KitError | undefined, body: Buffer) => void;

const noBytes = Buffer.alloc(0);

/**
 * One read of a request body with `data`/`end` listeners (no async iteration): a single chunk,
 * the usual case, is kept as it is; more are joined at the end. Past `limit` it stops pulling
 * bytes off the socket and fails with 413. The listeners stay on the request once it ended (it
 * ends with them) and find the read through the request's state, which holds the body once
 * the read ended: an event after that finds no read and does nothing.
 */
export class BodyReader {
  readonly #req: IncomingMessage;
  readonly #state: RequestState;
  readonly #limit: number;
  #first: Buffer | undefined = undefined;
  #more: Buffer[] | undefined = undefined;
  #size = 0;
  #waiters: BodyWaiter[] = [];
  #outcome: { err: KitError | undefined; body: Buffer } | undefined = undefined;

  constructor(req: IncomingMessage, state: RequestState) {
    this.#req = req;
    this.#state = state;
    this.#limit = state.limit;
  }

  /** Starts reading, or fails at once for a declared length over the limit or a body read already. */
  start(): void {
    const req = this.#req;
    if (Number(rawHeader(req, "content-length")) > this.#limit) {
      this.end(tooLarge(this.#limit), noBytes);
      return;
    }
    if (req.readableEnded) {
      this.end(new KitError(Code.Internal, "request body was already read by something else"), noBytes);
      return;
    }
    // Listeners shared by every request (`this` is the request), so a read makes no closures.
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
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
    if (err === undefined) this.#state.body = body; // a failed read stays: reading again gives its error
    for (const waiter of this.#waiters) waiter(err, body);
    this.#waiters = [];
  }
}
