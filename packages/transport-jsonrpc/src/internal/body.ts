import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";

/**
 * Reads a request's whole body, refusing one over `limit` bytes: at once when its
 * `content-length` says so, else as soon as the bytes received pass it (a chunked body is
 * never buffered whole). Rejects with `resource_exhausted` for a body too large, `canceled`
 * when the client goes away before the end.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"]) > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off("data", onData).off("end", onEnd).off("error", onGone).off("close", onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      stop();
      reject(new KitError(Code.Canceled, "client closed the request before sending the whole body"));
    };
    req.on("data", onData).on("end", onEnd).on("error", onGone).on("close", onGone);
  });
}

/** The error for a body over `limit` bytes. */
export function tooLarge(limit: number): KitError {
  return new KitError(Code.ResourceExhausted, `request body is larger than ${limit} bytes`, { details: { limit } });
}
