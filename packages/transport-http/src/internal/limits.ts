import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { withStatus } from "../error-status.ts";

/** The body limit when a request did not come through `server` (1 MiB). */
export const defaultMaxBodyBytes: number = 1024 * 1024;

// The server records each request's limit on the request itself (a symbol-keyed property is
// cheaper than a WeakMap entry per request), so readBody honours it wherever it is called.
const limitKey = Symbol("kit.maxBodyBytes");

interface Limited {
  [limitKey]?: number;
}

/** Records `limit` as the largest body `readBody` accepts for `req`. */
export function setBodyLimit(req: IncomingMessage, limit: number): void {
  (req as Limited)[limitKey] = limit;
}

/** The largest body `readBody` accepts for `req`: its server's limit, else the default. */
export function bodyLimit(req: IncomingMessage): number {
  return (req as Limited)[limitKey] ?? defaultMaxBodyBytes;
}

/** The error for a body over `limit` bytes: `resource_exhausted`, written as 413. */
export function tooLarge(limit: number): KitError {
  return withStatus(
    new KitError(Code.ResourceExhausted, `request body is larger than ${limit} bytes`, { details: { limit } }),
    413,
  );
}
