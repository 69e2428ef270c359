// One endpoint per method, Go kit's makeUppercaseEndpoint and makeCountEndpoint, with Go kit's
// request and response shapes: the service's error travels in the response's `err` field.
import { type Endpoint, isKitError } from "@kit/endpoint";
import type { StringService } from "./service.ts";

/** `{"s": "hello"}`, Go kit's `uppercaseRequest`. */
export interface UppercaseRequest {
  /** The string to upper-case. */
  readonly s: string;
}

/** `{"v": "HELLO"}`, or `{"v": "", "err": "empty string"}`: Go kit's `uppercaseResponse`. */
export interface UppercaseResponse {
  /** The result. */
  readonly v: string;
  /** The service's error message, left out when there is none (Go's `omitempty`). */
  readonly err?: string;
}

/** `{"s": "hello"}`, Go kit's `countRequest`. */
export interface CountRequest {
  /** The string to count. */
  readonly s: string;
}

/** `{"v": 5}`, Go kit's `countResponse`. */
export interface CountResponse {
  /** The length in bytes. */
  readonly v: number;
}

/**
 * The uppercase endpoint: a failure of the service (a `KitError`, such as `empty string`)
 * is an answer with `err` set, as in Go kit; anything else (a bug) is thrown, so the transport
 * answers it as an error (a 500) rather than a 200.
 *
 * @example
 * ```ts
 * await makeUppercaseEndpoint(stringService())(background(), { s: "" }); // { v: "", err: "empty string" }
 * ```
 */
export function makeUppercaseEndpoint(svc: StringService): Endpoint<UppercaseRequest, UppercaseResponse> {
  return async (ctx, request) => {
    try {
      return { v: await svc.uppercase(ctx, request.s) };
    } catch (err) {
      if (isKitError(err)) return { v: "", err: err.message };
      throw err;
    }
  };
}

/**
 * The count endpoint.
 *
 * @example
 * ```ts
 * await makeCountEndpoint(stringService())(background(), { s: "hello" }); // { v: 5 }
 * ```
 */
export function makeCountEndpoint(svc: StringService): Endpoint<CountRequest, CountResponse> {
  return async (ctx, request) => ({ v: await svc.count(ctx, request.s) });
}
