// The HTTP transport, Go kit's httptransport.NewServer per endpoint and, for stringsvc3, the
// client that proxies uppercase to another instance.
import type { Endpoint } from "@kit/endpoint";
import type { Logger } from "@kit/log";
import { logErrorHandler } from "@kit/transport";
import { client, readBody, router, server, type DecodeRequest, type EncodeResponse, type Handler } from "@kit/transport-http";
import type { CountRequest, CountResponse, UppercaseRequest, UppercaseResponse } from "./endpoints.ts";
import { goJSON, stringRequest } from "./wire.ts";

/** Reads `{"s": …}` whatever the content-type, Go kit's `decodeUppercaseRequest`/`decodeCountRequest`. */
export const decodeStringRequest: DecodeRequest<{ s: string }> = async (_ctx, req) => stringRequest(await readBody(req));

/** Writes the response as Go kit's `encodeResponse`: 200, JSON and a newline. */
export const encodeResponse: EncodeResponse<unknown> = (_ctx, response, res) => {
  const body = goJSON(response);
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
};

/** The endpoints {@link httpHandler} serves. */
export interface StringEndpoints {
  /** Serves `/uppercase`. */
  readonly uppercase: Endpoint<UppercaseRequest, UppercaseResponse>;
  /** Serves `/count`. */
  readonly count: Endpoint<CountRequest, CountResponse>;
}

/**
 * The HTTP handler: `/uppercase` and `/count` (any method, as Go kit's `http.Handle`), plus
 * the `extra` paths given (`/metrics`); other paths are 404.
 *
 * @example
 * ```ts
 * http.createServer(httpHandler(endpoints, logger)).listen(8080);
 * ```
 */
export function httpHandler(endpoints: StringEndpoints, logger: Logger, extra: Readonly<Record<string, Handler>> = {}): Handler {
  const options = { errorHandler: logErrorHandler(logger) };
  return router({
    "/uppercase": server(endpoints.uppercase, decodeStringRequest, encodeResponse, options),
    "/count": server(endpoints.count, decodeStringRequest, encodeResponse, options),
    ...extra,
  });
}

/**
 * A client endpoint calling `/uppercase` of another instance, Go kit's `makeUppercaseProxy`:
 * `instance` is `host:port` or a URL; without a path, `/uppercase` is used. Go kit sends a
 * `GET` with a body; fetch cannot, so this sends a `POST`, which the server takes alike.
 *
 * @example
 * ```ts
 * await uppercaseProxy("127.0.0.1:8081")(background(), { s: "hi" }); // { v: "HI" }
 * ```
 */
export function uppercaseProxy(instance: string): Endpoint<UppercaseRequest, UppercaseResponse> {
  const url = new URL(instance.startsWith("http") ? instance : `http://${instance}`);
  if (url.pathname === "/") url.pathname = "/uppercase";
  return client(
    "POST",
    url,
    (_ctx, request: UppercaseRequest, outgoing) => {
      outgoing.headers.set("content-type", "application/json");
      outgoing.body = JSON.stringify(request);
    },
    async (_ctx, response) => (await response.json()) as UppercaseResponse,
  );
}
