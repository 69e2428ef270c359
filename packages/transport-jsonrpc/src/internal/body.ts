import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { rawHeader } from "./raw-header.ts";

/**
 * Reads a request's whole body, refusing one over `limit` bytes: at once when its
 * `content-length` says so, else as soon as the bytes received pass it (a chunked body is
 * never buffered whole). Rejects with `resource_exhausted` for a body too large, `canceled`
 * when the client goes away before the end. A single chunk, the usual case, is kept as it is.
 * The listeners stay on the request (it ends with them); once the read settled they do nothing.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(rawHeader(req, "content-length")) > limit) {
      reject(tooLarge(limit));
      return;
    }
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(more === undefined ? (first ?? Buffer.alloc(0)) : Buffer.concat(more, size));
    });
    const gone = (): void => {
      if (settled) return;
      settled = true;
      reject(new KitError(Code.Canceled, "client closed the request before sending the whole body"));
    };
    req.on("error", gone).on("close", gone);
  });
}

/** The error for a body over `limit` bytes. */
export function tooLarge(limit: number): KitError {
  return new KitError(Code.ResourceExhausted, `request body is larger than ${limit} bytes`, { details: { limit } });
}
