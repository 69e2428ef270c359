import { STATUS_CODES } from "node:http";
import type { EventKind } from "../request.ts";
import type { LambdaResponse } from "../response.ts";
import type { LambdaResult } from "../result.ts";

/**
 * Writes a response as the result an event of `kind` expects. `multiValue`: the ALB event came
 * with `multiValueHeaders`, so its result must use them too. `kind` is `undefined` for an
 * event too malformed to tell: the result then has only fields every integration reads.
 */
export function render(response: LambdaResponse, kind: EventKind | undefined, multiValue: boolean): LambdaResult {
  const { body } = response;
  const binary = body instanceof Uint8Array;
  const result: LambdaResult = {
    statusCode: response.statusCode,
    body: binary ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64") : (body ?? ""),
    isBase64Encoded: binary,
  };
  const cookies = response.headers.getSetCookie();
  if (kind === "rest" || (kind === "alb" && multiValue)) {
    const multi: Record<string, string[]> = {};
    for (const [name, value] of response.headers) if (name !== "set-cookie") multi[name] = [value];
    if (cookies.length > 0) multi["set-cookie"] = cookies;
    result.multiValueHeaders = multi;
  } else {
    const single: Record<string, string> = {};
    for (const [name, value] of response.headers) if (name !== "set-cookie") single[name] = value;
    // A single-value ALB result can carry one Set-Cookie; an HTTP API has the cookies array.
    if (kind === "http") result.cookies = cookies;
    else if (cookies[0] !== undefined) single["set-cookie"] = cookies[0];
    result.headers = single;
  }
  if (kind === "alb") result.statusDescription = `${String(response.statusCode)} ${STATUS_CODES[response.statusCode] ?? ""}`.trimEnd();
  return result;
}
