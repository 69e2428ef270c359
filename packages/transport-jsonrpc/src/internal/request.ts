import { ErrorCode, version, type JsonRpcId, type JsonRpcRequest, type JsonRpcResponse } from "../protocol.ts";

/** A request object checked against the spec, or the error response it gets instead. */
export type Checked = { readonly request: JsonRpcRequest } | { readonly invalid: JsonRpcResponse };

/**
 * Checks one element of a body (or a batch) against JSON-RPC 2.0's request object:
 * `jsonrpc: "2.0"`, a string `method`, `params` absent or structured (an array or an object),
 * an `id` absent, a string, a number or `null`. Anything else is an Invalid Request (`-32600`)
 * answered with the request's id when it had a valid one, else `null`, naming what is wrong.
 */
export function checkRequest(value: unknown): Checked {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid(null, "a request must be an object");
  }
  const candidate = value as Record<string, unknown>;
  const id = candidate.id;
  const validId = id === undefined || id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
  const echoed: JsonRpcId = validId && id !== undefined ? id : null;
  if (!validId) return invalid(null, "id must be a string, a number or null");
  if (candidate.jsonrpc !== version) return invalid(echoed, 'jsonrpc must be "2.0"');
  if (typeof candidate.method !== "string") return invalid(echoed, "method must be a string");
  const { params } = candidate;
  if (params !== undefined && (typeof params !== "object" || params === null)) {
    return invalid(echoed, "params must be an array or an object");
  }
  return { request: candidate as unknown as JsonRpcRequest };
}

function invalid(id: JsonRpcId, message: string): Checked {
  return { invalid: { jsonrpc: version, error: { code: ErrorCode.InvalidRequest, message: `invalid request: ${message}` }, id } };
}
