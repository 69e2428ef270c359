import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { withStatus } from "../error-status.ts";

/** The body limit when a request did not come through `server` (1 MiB). */
export const defaultMaxBodyBytes: number = 1024 * 1024;

// The server records each request's limit here, so readBody honours it wherever it is called.
export const bodyLimits: WeakMap<IncomingMessage, number> = new WeakMap<IncomingMessage, number>();

/** The error for a body over `limit` bytes: `resource_exhausted`, written as 413. */
export function tooLarge(limit: number): KitError {
  return withStatus(
    new KitError(Code.ResourceExhausted, `request body is larger than ${limit} bytes`, { details: { limit } }),
    413,
  );
}
