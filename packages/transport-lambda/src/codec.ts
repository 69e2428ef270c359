import { Code, KitError, type Context } from "@kit/endpoint";
import { jsonCodec, validate, type Schema } from "@kit/transport";
import type { LambdaRequest } from "./request.ts";
import type { LambdaResponse } from "./response.ts";
import type { DecodeRequest } from "./server.ts";

/**
 * A request decoder that reads the body as JSON, optionally checked by a {@link Schema} (zod,
 * valibot, arktype, …) that gives the typed output; the same rules as `@kit/transport-http`'s
 * `decodeJSON`:
 *
 * - malformed JSON (or an empty body) → 400 `invalid_argument`, naming the parse problem;
 * - a value the schema refuses → 400 `invalid_argument`, `path: problem` for each issue;
 * - a `content-type` that is not JSON (`application/json` or `…+json`) → 400
 *   `invalid_argument`; a request without `content-type` is read as JSON.
 *
 * @param schema - checks the decoded value and types it
 *
 * @example
 * ```ts
 * export const handler = server(sum, decodeJSON(SumRequest), encodeJSON);
 * ```
 */
export function decodeJSON<T = unknown>(schema?: Schema<T>): DecodeRequest<T> {
  return async (_ctx: Context, req: LambdaRequest): Promise<T> => {
    const type = req.headers.get("content-type");
    if (type !== null && !isJSON(type)) {
      throw new KitError(Code.InvalidArgument, `unsupported content-type ${JSON.stringify(type)}: want application/json`);
    }
    const value = jsonCodec.decode(req.body);
    return schema === undefined ? (value as T) : validate(schema, value);
  };
}

/**
 * The JSON response encoder: writes `response` as JSON text with
 * `content-type: application/json; charset=utf-8` and the status already set (200 unless an
 * `after` hook changed it). An `undefined` response is written as 204 No Content.
 *
 * @param _ctx - the request's context
 * @param res - the response to write
 * @param response - the endpoint's response
 *
 * @example
 * ```ts
 * export const handler = server(sum, decodeJSON(SumRequest), encodeJSON);
 * ```
 */
export function encodeJSON(_ctx: Context, res: LambdaResponse, response: unknown): void {
  if (response === undefined) {
    if (res.statusCode === 200) res.statusCode = 204;
    return;
  }
  res.headers.set("content-type", "application/json; charset=utf-8");
  res.body = Buffer.from(jsonCodec.encode(response)).toString("utf8"); // text: no base64 needed
}

function isJSON(contentType: string): boolean {
  const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return media === "application/json" || (media.startsWith("application/") && media.endsWith("+json"));
}
