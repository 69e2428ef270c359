import type { IncomingMessage, ServerResponse } from "node:http";
import { Code, KitError, isKitError, type Context } from "@kit/endpoint";
import { jsonCodec, validate, type Schema } from "@kit/transport";
import { readBodyAs } from "./body.ts";
import type { DecodeResponse, OutgoingRequest } from "./client.ts";
import { withStatus } from "./error-status.ts";
import type { DecodeRequest, EncodeResponse } from "./server.ts";
import type { JSONSerializer } from "./json-serializer.ts";
import { rawHeader } from "./internal/raw-headers.ts";
import { jsonContentType, writeJSON } from "./internal/write-json.ts";

/**
 * A request decoder that reads the body as JSON: Go kit's JSON decoding, plus an optional
 * {@link Schema} (zod, valibot, arktype, …) that checks it and gives the typed
 * output. Without a schema the value is not checked: `T` is what you promise it is.
 *
 * - malformed JSON (or an empty body) → 400 `invalid_argument`, naming the parse problem;
 * - a value the schema refuses → 400 `invalid_argument`, `path: problem` for each issue,
 *   with the issues in `details`;
 * - a `content-type` that is not JSON (`application/json` or `…+json`) → 415
 *   `invalid_argument`; a request without `content-type` is read as JSON;
 * - a body over `maxBodyBytes` → 413 `resource_exhausted`.
 *
 * @param schema - checks the decoded value and types it
 *
 * @example
 * ```ts
 * const SumRequest = z.object({ a: z.number(), b: z.number() });
 * server(sum, decodeJSON(SumRequest), encodeJSON);
 * ```
 */
export function decodeJSON<T = unknown>(schema?: Schema<T>): DecodeRequest<T> {
  const parse = schema === undefined ? (body: Buffer) => jsonCodec.decode(body) as T : (body: Buffer) => validate(schema, jsonCodec.decode(body));
  return (_ctx: Context, req: IncomingMessage): Promise<T> => {
    const refused = notJSON(req);
    return refused === undefined ? readBodyAs(req, parse) : Promise.reject(refused);
  };
}

/**
 * The JSON response encoder: writes `response` as JSON followed by a newline (as Go's
 * `json.Encoder`, which Go kit uses, does) with `content-type: application/json; charset=utf-8`
 * and the status already set (200 unless an `after` hook changed it). An `undefined` response
 * is written as 204 No Content.
 *
 * @param _ctx - the request's context
 * @param response - the endpoint's response
 * @param res - the response to write
 *
 * @example
 * ```ts
 * server(sum, decodeJSON(SumRequest), encodeJSON);
 * ```
 */
export function encodeJSON(_ctx: Context, response: unknown, res: ServerResponse): void {
  writeJSON(res, response === undefined ? undefined : jsonLine(response));
}

/**
 * A JSON response encoder that writes with `serialize` instead of `JSON.stringify`, such as a
 * {@link jsonSerializer} made for the response's shape; otherwise as {@link encodeJSON} (a
 * newline after the JSON, the same headers, 204 for `undefined`). What `serialize` throws is
 * answered 500 `internal`.
 *
 * @param serialize - writes the response as JSON text
 *
 * @example
 * ```ts
 * server(sum, decodeJSON(SumRequest), encodeJSONWith(jsonSerializer<{ v: number }>({ v: "number" })));
 * ```
 */
export function encodeJSONWith<T>(serialize: JSONSerializer<T>): EncodeResponse<T> {
  return (_ctx, response, res) => {
    if (response === undefined) {
      writeJSON(res, undefined);
      return;
    }
    let text: string;
    try {
      text = serialize(response);
    } catch (err) {
      throw new KitError(Code.Internal, `cannot encode as JSON: ${(err as Error).message}`, { cause: err });
    }
    writeJSON(res, `${text}\n`);
  };
}

/**
 * The JSON request encoder for {@link client}: sets the body to `request` as JSON followed by a
 * newline (as Go's `json.Encoder` does) and `content-type: application/json; charset=utf-8`.
 *
 * @param _ctx - the call's context
 * @param request - the endpoint's request
 * @param outgoing - the request being built
 *
 * @example
 * ```ts
 * const sum = client("POST", "http://127.0.0.1:8080/sum", encodeJSONRequest, decodeJSONResponse(SumResponse));
 * ```
 */
export function encodeJSONRequest(_ctx: Context, request: unknown, outgoing: OutgoingRequest): void {
  outgoing.headers.set("content-type", jsonContentType);
  outgoing.body = jsonLine(request);
}

/**
 * A response decoder for {@link client} that reads a successful response's body as JSON,
 * checked by an optional {@link Schema}. A 204 decodes as `undefined`. A body
 * that is not JSON, or that the schema refuses, is the server's fault: `internal`.
 *
 * @param schema - checks the decoded value and types it
 *
 * @example
 * ```ts
 * const sum = client("POST", url, encodeJSONRequest, decodeJSONResponse(z.object({ v: z.number() })));
 * ```
 */
export function decodeJSONResponse<T = unknown>(schema?: Schema<T>): DecodeResponse<T> {
  return async (_ctx: Context, response: Response): Promise<T> => {
    try {
      const value = response.status === 204 ? undefined : jsonCodec.decode(new Uint8Array(await response.arrayBuffer()));
      return schema === undefined ? (value as T) : await validate(schema, value);
    } catch (err) {
      if (!isKitError(err) || err.code !== Code.InvalidArgument) throw err;
      throw new KitError(Code.Internal, `invalid response from ${where(response)}: ${err.message}`, {
        ...(err.details === undefined ? {} : { details: err.details }),
        cause: err,
      });
    }
  };
}

/** `value` as one line of JSON text ending in a newline; a value JSON cannot hold is `internal`. */
function jsonLine(value: unknown): string {
  try {
    // JSON.stringify(undefined) is undefined, whatever lib.d.ts says.
    return `${value === undefined ? "null" : JSON.stringify(value)}\n`;
  } catch (err) {
    throw new KitError(Code.Internal, `cannot encode as JSON: ${(err as Error).message}`, { cause: err });
  }
}

/** The 415 `invalid_argument` for a request whose `content-type` is not JSON; none for JSON or no `content-type`. */
export function notJSON(req: IncomingMessage): KitError | undefined {
  const type = rawHeader(req, "content-type");
  if (type === undefined || isJSON(type)) return undefined;
  return withStatus(new KitError(Code.InvalidArgument, `unsupported content-type ${JSON.stringify(type)}: want application/json`), 415);
}

function isJSON(contentType: string): boolean {
  if (contentType === "application/json") return true;
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
}

function where(response: Response): string {
  try {
    const url = new URL(response.url);
    return url.origin + url.pathname;
  } catch {
    return "server";
  }
}
