import type { ServerResponse } from "node:http";

/**
 * Counts the body bytes written to `res` from now on (Go kit's `interceptingWriter`): its
 * `write` and `end` are wrapped on this response only. The server does it only when a
 * finalizer will read the count.
 */
export function countBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    bytes += sizeOf(args[0], args[1]);
    return write(...args);
  }) as ServerResponse["write"];
  res.end = ((...args: unknown[]) => {
    if (typeof args[0] !== "function") bytes += sizeOf(args[0], args[1]);
    return end(...args);
  }) as ServerResponse["end"];
  return () => bytes;
}

function sizeOf(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === "string") return Buffer.byteLength(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}
