import type { IncomingMessage } from "node:http";
import { toKitError, type KitError } from "@kit/endpoint";
import { BodyReader } from "./internal/body-reader.ts";
import { bodyLimit } from "./internal/limits.ts";

const bodyKey = Symbol("kit.body");

interface WithBody {
  /** The body once read, or the read under way. */
  [bodyKey]?: Buffer | BodyReader;
}

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
    const known = (req as WithBody)[bodyKey];
    if (known instanceof BodyReader) known.wait(settle);
    else if (known !== undefined) settle(undefined, known);
    else startReading(req).wait(settle);
  });
}

function startReading(req: IncomingMessage): BodyReader {
  const reader = new BodyReader(req, bodyLimit(req), (body) => {
    (req as WithBody)[bodyKey] = body;
  });
  (req as WithBody)[bodyKey] = reader;
  reader.start();
  return reader;
}

function identity(body: Buffer): Buffer {
  return body;
}
