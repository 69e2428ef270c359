import { isCode, KitError, type Context } from "@kit/endpoint";
import { codeFromHttpStatus } from "@kit/transport";
import { readErrorText } from "./internal/error-body.ts";

/**
 * Turns a response that is not 2xx into the {@link KitError} the call fails with, the
 * counterpart of {@link ErrorEncoder} on a {@link client}. The default is
 * {@link decodeError}; call it from your own decoder for the bodies you do not know.
 *
 * The response it gets has the real one's status, headers and URL, and a body that stops
 * after 64 KiB (so reading it twice, through `response.clone()`, costs little). Whatever the
 * decoder returns or throws, the call fails with a `KitError`: a thrown value that is not one
 * becomes one through `toKitError` (`unknown`).
 *
 * @example
 * ```ts
 * // A server that answers errors with {"error": "…"}; any other body gets the default.
 * const errorField: ErrorDecoder = async (ctx, response) => {
 *   const body = (await response.clone().json().catch(() => undefined)) as { error?: unknown } | undefined;
 *   if (typeof body?.error === "string") return new KitError(codeFromHttpStatus(response.status), body.error);
 *   return decodeError(ctx, response);
 * };
 * client("POST", url, encodeJSONRequest, decodeJSONResponse(), { errorDecoder: errorField });
 * ```
 */
export type ErrorDecoder = (ctx: Context, response: Response) => KitError | Promise<KitError>;

/**
 * The default {@link ErrorDecoder}: the code, message and details of a Kit error body
 * `{ "code": …, "message": …, "details": … }` (what {@link encodeError} writes), or else
 * the code of the status (`codeFromHttpStatus` from `@kit/transport`), the message
 * `HTTP <status> <status text>: <start of the body>` and `details: { status }`. It reads at
 * most 64 KiB of the body.
 *
 * @param _ctx - the call's context
 * @param response - the response that is not 2xx
 * @returns the error the call fails with
 *
 * @example
 * ```ts
 * const logged: ErrorDecoder = async (ctx, response) => {
 *   const err = await decodeError(ctx, response);
 *   console.warn(`${response.url}: ${err.code}`);
 *   return err;
 * };
 * ```
 */
export async function decodeError(_ctx: Context, response: Response): Promise<KitError> {
  const text = await readErrorText(response);
  const body = parse(text);
  if (body !== undefined && isCode(body.code) && typeof body.message === "string") {
    return new KitError(body.code, body.message, isRecord(body.details) ? { details: body.details } : {});
  }
  const snippet = text.trim().slice(0, 200);
  const message = `HTTP ${response.status}${response.statusText === "" ? "" : ` ${response.statusText}`}`;
  return new KitError(codeFromHttpStatus(response.status), snippet === "" ? message : `${message}: ${snippet}`, {
    details: { status: response.status },
  });
}

function parse(text: string): Partial<Record<string, unknown>> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
