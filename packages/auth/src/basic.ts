import { createHash, timingSafeEqual } from "node:crypto";
import { Code, KitError, type Middleware, withValue } from "@kit/endpoint";
import { authorizationKey } from "./context.ts";

/** Options for {@link basicAuth}. */
export interface BasicAuthOptions {
  /** The user name a request must carry. */
  readonly username: string;
  /** The password a request must carry. */
  readonly password: string;
  /**
   * The realm named in the refusal's `WWW-Authenticate` challenge (`details.wwwAuthenticate`);
   * default `"kit"`. Quotes, backslashes and control characters are left out of it.
   */
  readonly realm?: string;
}

/**
 * Why a request failed authentication, in the `reason` of the `unauthenticated` error's
 * details: no `Authorization` value; one that is not `Basic <base64 of user:password>`
 * (or not `Bearer <token>` for JWT); or credentials that do not match.
 */
export type BasicAuthReason = "missing" | "malformed" | "invalid_credentials";

/**
 * Server middleware, Go kit's `basic.AuthMiddleware`: reads the `Authorization` value from
 * the context ({@link authorizationKey}, put there by {@link withAuthorization}) and calls the
 * endpoint only when it is `Basic` with the expected user name and password. Both are compared
 * as SHA-256 digests with `crypto.timingSafeEqual`, and both comparisons always run, so neither
 * the time taken nor the error tells a length, or which of the two was wrong. Otherwise it
 * throws `KitError` `unauthenticated`, with `details` `{ reason, wwwAuthenticate }`: the
 * challenge `Basic realm="<realm>", charset="UTF-8"`, which `@kit/transport-http`'s default
 * error encoder sends as the 401's `WWW-Authenticate` header (Go kit's `AuthError`). A value
 * under {@link authorizationKey} that is not a string is refused as `malformed`.
 *
 * @example
 * ```ts
 * const guarded = basicAuth<SumReq, SumRes>({ username: "ann", password: "s3cret" })(sum);
 * await guarded(withAuthorization(background(), new Headers({ authorization: "Basic YW5uOnMzY3JldA==" })), req);
 * ```
 */
export function basicAuth<Req, Res>(options: BasicAuthOptions): Middleware<Req, Res> {
  const userDigest = sha256(options.username);
  const passwordDigest = sha256(options.password);
  const wwwAuthenticate = `Basic realm="${quotable(options.realm ?? "kit")}", charset="UTF-8"`;
  const fail = (reason: BasicAuthReason, message: string): KitError =>
    new KitError(Code.Unauthenticated, message, { details: { reason, wwwAuthenticate } });

  return (next) => async (ctx, request) => {
    const header: unknown = ctx.value(authorizationKey);
    if (header === undefined || header === "") throw fail("missing", "missing Authorization header");
    if (typeof header !== "string") throw fail("malformed", "malformed Authorization header: not a string");
    if (header.trim() === "") throw fail("missing", "missing Authorization header");
    const credentials = parseBasic(header);
    if (credentials === undefined) throw fail("malformed", "malformed Authorization header: expected Basic credentials");
    const userOk = timingSafeEqual(sha256(credentials.username), userDigest);
    const passwordOk = timingSafeEqual(sha256(credentials.password), passwordDigest);
    if (!(userOk && passwordOk)) throw fail("invalid_credentials", "invalid user name or password");
    return next(ctx, request);
  };
}

/**
 * Client middleware: puts `Basic <base64 of username:password>` in the context under
 * {@link authorizationKey}, for {@link setAuthorization} to send as the `Authorization` header.
 *
 * @example
 * ```ts
 * const sum = basicAuthClient<SumReq, SumRes>("ann", "s3cret")(client("POST", url, enc, dec, { before: [setAuthorization] }));
 * ```
 */
export function basicAuthClient<Req, Res>(username: string, password: string): Middleware<Req, Res> {
  if (username.includes(":")) throw new TypeError("a Basic auth user name cannot contain ':'");
  const value = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
  return (next) => (ctx, request) => next(withValue(ctx, authorizationKey, value), request);
}

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseBasic(header: string): { username: string; password: string } | undefined {
  const match = /^Basic[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  const encoded = match?.[1];
  if (encoded === undefined || !base64.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The text without what a quoted-string cannot hold as is: quotes, backslashes, controls. */
function quotable(text: string): string {
  let out = "";
  for (const c of text) if (c >= " " && c !== "\u007f" && c !== '"' && c !== "\\") out += c;
  return out;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
