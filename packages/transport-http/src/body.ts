import type { IncomingMessage } from "node:http";
import { toKitError, type KitError } from "@kit/endpoint";
import { BodyReader } from "./internal/body-reader.ts";
import { requestState } from "./internal/limits.ts";

/**
 * Reads a request's whole body, refusing one over the server's `maxBodyBytes` (1 MiB unless
 * configured) with a `resource_exhausted` {@link KitError} that the default error
 * encoder writes as **413**. It stops reading as soon as the limit is passed, so an oversized
 * chunked body is never buffered whole. Reading twice gives the same bytes, so a `before`
 * hook and the decoder can both read it. The ready decoders use it; use it in your own.
 *
 * @param req - the incoming request
 *
 * @example
 * ```ts
 * const decodeText: DecodeRequest<string> = async (_ctx, req) => (await readBody(req)).toString("utf8");
 * ```
 */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return readBodyAs(req, identity);
}

/**
 * The body turned into a value by `parse` (what it throws rejects), with the same limit and
 * caching as {@link readBody}; `parse` runs in the body's `end` event, so a decoder built on it
 * costs one promise, not a promise of the bytes and another of the value.
 */
export function readBodyAs<T>(req: IncomingMessage, parse: (body: Buffer) => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = (err: KitError | undefined, body: Buffer): void => {
      if (err !== undefined) {
        reject(err);
        return;
      }
      try {
        resolve(parse(body));
      } catch (thrown) {
        reject(toKitError(thrown));
      }
    };
    const state = requestState(req);
    const known = state.body;
    if (known instanceof BodyReader) known.wait(settle);
    else if (known instanceof Buffer) settle(undefined, known);
    else {
      const reader = new BodyReader(req, state);
      state.body = reader;
      reader.start();
      reader.wait(settle);
    }
  });
}

function identity(body: Buffer): Buffer {
  return body;
}
