/** The `jsonrpc` member every JSON-RPC 2.0 request and response carries. */
export const version = "2.0";

/**
 * A request's id as the client gave it: a string, a number or `null`. The server echoes it
 * back as given; a request without an id is a notification, which gets no response.
 */
export type JsonRpcId = string | number | null;

/** A request object, JSON-RPC 2.0 section 4. */
export interface JsonRpcRequest {
  /** Always `"2.0"`. */
  readonly jsonrpc: typeof version;
  /** The method to call, such as `"add.sum"`. */
  readonly method: string;
  /** The arguments: an array (by position) or an object (by name); absent for none. */
  readonly params?: unknown;
  /** The id the response will carry; absent for a notification. */
  readonly id?: JsonRpcId;
}

/** The error member of a failed response, JSON-RPC 2.0 section 5.1. */
export interface JsonRpcError {
  /** The spec's codes (`-32700`…`-32603`), or Kit's in `-32000`…`-32099`. */
  readonly code: number;
  /** A short description. */
  readonly message: string;
  /** For Kit's errors: `{ code: "not_found", details? }`, the Kit code by name. */
  readonly data?: unknown;
}

/** A successful response object, JSON-RPC 2.0 section 5. */
export interface JsonRpcSuccess {
  /** Always `"2.0"`. */
  readonly jsonrpc: typeof version;
  /** What the method returned. */
  readonly result: unknown;
  /** The request's id. */
  readonly id: JsonRpcId;
}

/** A failed response object, JSON-RPC 2.0 section 5. */
export interface JsonRpcFailure {
  /** Always `"2.0"`. */
  readonly jsonrpc: typeof version;
  /** Why it failed. */
  readonly error: JsonRpcError;
  /** The request's id, or `null` when it could not be read. */
  readonly id: JsonRpcId;
}

/** A response object, JSON-RPC 2.0 section 5: exactly one of `result` and `error`. */
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;

/** The error codes the JSON-RPC 2.0 specification defines (section 5.1). */
export const ErrorCode = {
  /** Invalid JSON was received by the server. */
  ParseError: -32700,
  /** The JSON sent is not a valid request object. */
  InvalidRequest: -32600,
  /** The method does not exist. */
  MethodNotFound: -32601,
  /** Invalid method parameters: the decoder refused them. */
  InvalidParams: -32602,
  /** Internal JSON-RPC error: a server fault. */
  InternalError: -32603,
} as const;

/** The content type of JSON-RPC bodies. */
export const contentType = "application/json; charset=utf-8";
