import type { IncomingMessage } from "node:http";
import { Code, KitError } from "@kit/endpoint";
import { withStatus } from "../error-status.ts";

/** The body limit when a request did not come through `server` (1 MiB). */
export const defaultMaxBodyBytes: number = 1024 * 1024;

/** What this package keeps about a request: its body limit, and its body once read (or the read under way). */
export interface RequestState {
  readonly limit: number;
  body: unknown;
}

// One symbol-keyed property on the request (cheaper than WeakMap entries), set by the server
// before anything reads the body, so readBody honours the limit wherever it is called.
const stateKey = Symbol("kit.request");

interface Stated {
  [stateKey]?: RequestState;
}

/** Records `limit` as the largest body `readBody` accepts for `req`. */
export function setBodyLimit(req: IncomingMessage, limit: number): void {
  (req as Stated)[stateKey] = { limit, body: undefined };
}

/** The request's state: its server's limit (else the default) and its body. */
export function requestState(req: IncomingMessage): RequestState {
  const known: RequestState | undefined = (req as Stated)[stateKey];
  if (known !== undefined) return known;
  const state: RequestState = { limit: defaultMaxBodyBytes, body: undefined };
  (req as Stated)[stateKey] = state;
  return state;
}

/** The error for a body over `limit` bytes: `resource_exhausted`, written as 413. */
export function tooLarge(limit: number): KitError {
  return withStatus(
    new KitError(Code.ResourceExhausted, `request body is larger than ${limit} bytes`, { details: { limit } }),
    413,
  );
}
