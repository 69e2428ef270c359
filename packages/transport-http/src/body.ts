import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { bodyLimits, defaultMaxBodyBytes, tooLarge } from "./internal/limits.ts";

const read = new WeakMap<IncomingMessage, Promise<Buffer>>();

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
  let body = read.get(req);
  if (body === undefined) {
    body = collect(req, bodyLimits.get(req) ?? defaultMaxBodyBytes);
    read.set(req, body);
  }
  return body;
}

function collect(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    if (req.readableEnded) {
      reject(new KitError(Code.Internal, "request body was already read by something else"));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        req.pause(); // stop pulling bytes off the socket; the server closes the connection
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(new KitError(Code.Canceled, `request body could not be read: ${err.message}`, { cause: err }));
    };
    const onClose = (): void => {
      done();
      reject(new KitError(Code.Canceled, "client closed the request before sending the whole body"));
    };
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}
