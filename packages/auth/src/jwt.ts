/**
 * JWT for Kit endpoints on `jose` (an optional peer): {@link jwtSigner} signs a token on the
 * client and puts `Bearer <token>` in the context; {@link jwtParser} verifies it on the server
 * and puts its claims in the context under {@link claimsKey}.
 *
 * @packageDocumentation
 */
import { Code, type Context, contextKey, type ContextKey, KitError, type Middleware, withValue } from "@kit/endpoint";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
  type KeyObject,
  type RemoteJWKSetOptions,
  SignJWT,
} from "jose";
import { authorizationKey } from "./context.ts";

/**
 * The context key for a verified token's claims, set by {@link jwtParser}.
 *
 * @example
 * ```ts
 * const whoami: Endpoint<void, string> = (ctx) => Promise.resolve(ctx.value(claimsKey)?.sub ?? "nobody");
 * ```
 */
export const claimsKey: ContextKey<JWTPayload> = contextKey<JWTPayload>("@kit/auth.jwt.claims");

/** A key that signs or verifies: a `CryptoKey`, a Node.js `KeyObject`, a JWK, or an HMAC secret. */
export type JwtKey = CryptoKey | KeyObject | JWK | Uint8Array;

/**
 * Where {@link jwtParser} finds its keys: one key ({@link JwtKey}), a JWK set
 * (`{ keys: [...] }`, picked by the token's `kid` and `alg`), or the `URL` of a JWKS endpoint,
 * fetched and cached by jose's `createRemoteJWKSet`.
 */
export type JwtVerifyKeys = JwtKey | JSONWebKeySet | URL;

/**
 * Why a token was refused, in the `reason` of the error's details. All are `unauthenticated`
 * but `key_unavailable` (the JWKS URL could not be fetched), which is `unavailable`.
 */
export type JwtReason =
  | "missing"
  | "malformed"
  | "expired"
  | "not_yet_valid"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "alg_not_allowed"
  | "no_matching_key"
  | "invalid_claims"
  | "key_unavailable";

/** Options for {@link jwtSigner}. */
export interface JwtSignerOptions {
  /** The signing key: an HMAC secret, a private `KeyObject`/`CryptoKey`, or a private JWK. */
  readonly key: JwtKey;
  /** The JWS algorithm, such as `"HS256"`, `"RS256"`, `"ES256"` or `"EdDSA"`; never `"none"`. */
  readonly alg: string;
  /** The `kid` header, to pick the key from a JWK set on the server. */
  readonly kid?: string;
  /** Extra claims; a function is called per request with its context (and disables caching). */
  readonly claims?: JWTPayload | ((ctx: Context) => JWTPayload);
  /** The `iss` claim. */
  readonly issuer?: string;
  /** The `aud` claim. */
  readonly audience?: string | readonly string[];
  /** The `sub` claim. */
  readonly subject?: string;
  /** Lifetime in seconds, or a jose time span such as `"5m"`; default 300 seconds. */
  readonly expiresIn?: number | string;
  /**
   * A token is reused until this many seconds before its `exp`, then a new one is signed;
   * default 30. `0` signs a new token for every request.
   */
  readonly refreshBefore?: number;
}

/**
 * Client middleware, Go kit's `jwt.NewSigner`: signs a JWT (jose `SignJWT`) with `iat`, `exp`
 * and the configured claims and puts `Bearer <token>` in the context under `authorizationKey`,
 * for `setAuthorization` to send. With static claims a token is reused until `refreshBefore`
 * seconds before it expires.
 *
 * @example
 * ```ts
 * const secret = new TextEncoder().encode(process.env.JWT_SECRET);
 * const signed = jwtSigner<SumReq, SumRes>({ key: secret, alg: "HS256", issuer: "addsvc", audience: "sum", subject: "ann" });
 * const sum = signed(client("POST", url, enc, dec, { before: [setAuthorization] }));
 * ```
 */
export function jwtSigner<Req, Res>(options: JwtSignerOptions): Middleware<Req, Res> {
  if (options.alg.toLowerCase() === "none") throw new TypeError('jwtSigner: alg "none" is not allowed');
  const refreshBefore = options.refreshBefore ?? 30;
  const dynamic = typeof options.claims === "function";
  let cached: { value: string; refreshAt: number } | undefined;

  const sign = async (ctx: Context): Promise<{ value: string; refreshAt: number }> => {
    const claims = typeof options.claims === "function" ? options.claims(ctx) : (options.claims ?? {});
    const jwt = new SignJWT({ ...claims })
      .setProtectedHeader(options.kid === undefined ? { alg: options.alg } : { alg: options.alg, kid: options.kid })
      .setIssuedAt()
      .setExpirationTime(expiry(options.expiresIn ?? 300));
    if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
    if (options.audience !== undefined) jwt.setAudience(typeof options.audience === "string" ? options.audience : [...options.audience]);
    if (options.subject !== undefined) jwt.setSubject(options.subject);
    const token = await jwt.sign(options.key);
    const exp = decodeExp(token);
    return { value: `Bearer ${token}`, refreshAt: (exp - refreshBefore) * 1000 };
  };

  return (next) => async (ctx, request) => {
    let token = cached;
    if (token === undefined || dynamic || Date.now() >= token.refreshAt) {
      token = await sign(ctx);
      if (!dynamic && refreshBefore > 0) cached = token;
    }
    return next(withValue(ctx, authorizationKey, token.value), request);
  };
}

/** Options for {@link jwtParser}. */
export interface JwtParserOptions {
  /** The verification keys: one key, a JWK set, or a JWKS `URL`. */
  readonly keys: JwtVerifyKeys;
  /**
   * The algorithms accepted, such as `["RS256"]`. Required and never empty, so a token cannot
   * choose its own algorithm (`alg: none`, or HS256 signed with a public key); `"none"` is refused.
   */
  readonly algorithms: readonly string[];
  /**
   * The accepted `iss` value or values. `null` checks no issuer, as Go kit's parser does: only
   * to accept tokens from a Go kit signer that sets none, since any issuer's token then passes.
   */
  readonly issuer: string | readonly string[] | null;
  /**
   * The accepted `aud` value or values; the token must name at least one. `null` checks no
   * audience, as Go kit's parser does: a token made for another service then passes too.
   */
  readonly audience: string | readonly string[] | null;
  /** Seconds of clock skew allowed on `exp` and `nbf`; default 0. */
  readonly clockTolerance?: number;
  /** Claims that must be present; default `["exp"]`, so tokens that never expire are refused. */
  readonly requiredClaims?: readonly string[];
  /** Options for `createRemoteJWKSet` when `keys` is a URL (timeouts, cache age, headers). */
  readonly jwks?: RemoteJWKSetOptions;
}

/**
 * Server middleware, Go kit's `jwt.NewParser`: takes `Bearer <token>` from the context's
 * `authorizationKey` (see `withAuthorization`), verifies it with jose `jwtVerify` (signature,
 * algorithm allow-list, `exp`, `nbf`, `iss`, `aud`), puts its claims under {@link claimsKey}
 * and calls the endpoint. Every failure is `KitError` `unauthenticated` with
 * `details.reason` (a {@link JwtReason}) and a message saying why, and `details.wwwAuthenticate`,
 * RFC 6750's `Bearer` challenge, which `@kit/transport-http`'s default error encoder sends as
 * the 401's `WWW-Authenticate` header; only a JWKS URL that cannot be fetched gives
 * `unavailable` (`key_unavailable`).
 *
 * @example
 * ```ts
 * const parse = jwtParser<SumReq, SumRes>({
 *   keys: new URL("https://auth.example.com/.well-known/jwks.json"),
 *   algorithms: ["RS256"], issuer: "https://auth.example.com", audience: "addsvc",
 * });
 * const handler = server(parse(sum), decode, encode, { before: [withAuthorization] });
 * ```
 */
export function jwtParser<Req, Res>(options: JwtParserOptions): Middleware<Req, Res> {
  if (options.algorithms.length === 0) throw new TypeError("jwtParser: algorithms must list at least one algorithm");
  if (options.algorithms.some((alg) => alg.toLowerCase() === "none")) throw new TypeError('jwtParser: alg "none" is not allowed');
  const key = resolveKeys(options.keys, options.jwks);
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...options.algorithms],
    clockTolerance: options.clockTolerance ?? 0,
    requiredClaims: [...(options.requiredClaims ?? ["exp"])],
  };
  if (options.issuer !== null) verifyOptions.issuer = typeof options.issuer === "string" ? options.issuer : [...options.issuer];
  if (options.audience !== null) verifyOptions.audience = typeof options.audience === "string" ? options.audience : [...options.audience];

  return (next) => async (ctx, request) => {
    const header: unknown = ctx.value(authorizationKey);
    if (header === undefined || header === "") throw failure("missing", "missing Authorization header");
    if (typeof header !== "string") throw failure("malformed", "malformed Authorization header: not a string");
    if (header.trim() === "") throw failure("missing", "missing Authorization header");
    const match = /^Bearer[ \t]+([A-Za-z0-9_\-.]+)[ \t]*$/i.exec(header.trim());
    const token = match?.[1];
    if (token === undefined) throw failure("malformed", "malformed Authorization header: expected a Bearer token");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, verifyOptions));
    } catch (err) {
      throw toFailure(err);
    }
    return next(withValue(ctx, claimsKey, payload), request);
  };
}

class KeyUnavailable extends Error {}

function resolveKeys(keys: JwtVerifyKeys, jwks: RemoteJWKSetOptions | undefined): JwtKey | JWTVerifyGetKey {
  if (keys instanceof URL) {
    const remote = createRemoteJWKSet(keys, jwks);
    return async (header, token) => {
      try {
        return await remote(header, token);
      } catch (err) {
        const code = joseCode(err);
        if (code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") throw err;
        throw new KeyUnavailable("could not fetch the JSON Web Key Set", { cause: err });
      }
    };
  }
  if (isKeySet(keys)) return createLocalJWKSet(keys);
  return keys;
}

function isKeySet(keys: JwtKey | JSONWebKeySet): keys is JSONWebKeySet {
  return typeof keys === "object" && !(keys instanceof Uint8Array) && "keys" in keys && Array.isArray(keys.keys);
}

function failure(reason: JwtReason, message: string, cause?: unknown): KitError {
  if (reason === "key_unavailable") return new KitError(Code.Unavailable, message, { details: { reason }, cause });
  // RFC 6750's challenge: no error for a request without a token; invalid_request for an
  // Authorization value that is not a Bearer token (refused here, so without a cause);
  // invalid_token for a token jose refused.
  const error = reason === "missing" ? "" : cause === undefined ? ' error="invalid_request"' : ' error="invalid_token"';
  return new KitError(Code.Unauthenticated, message, { details: { reason, wwwAuthenticate: `Bearer${error}` }, cause });
}

function joseCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null || !("code" in err)) return undefined;
  return typeof err.code === "string" ? err.code : undefined;
}

function toFailure(err: unknown): KitError {
  if (err instanceof KeyUnavailable) return failure("key_unavailable", err.message, err.cause);
  switch (joseCode(err)) {
    case "ERR_JWT_EXPIRED":
      return failure("expired", "token expired", err);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const claim = (err as { claim?: unknown }).claim;
      if (claim === "nbf") return failure("not_yet_valid", "token not yet valid", err);
      if (claim === "iss") return failure("wrong_issuer", "token issuer not accepted", err);
      if (claim === "aud") return failure("wrong_audience", "token audience not accepted", err);
      return failure("invalid_claims", `token claim ${typeof claim === "string" ? claim : "?"} invalid`, err);
    }
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return failure("alg_not_allowed", "token algorithm not allowed", err);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return failure("bad_signature", "token signature invalid", err);
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return failure("no_matching_key", "no key matches the token", err);
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return failure("malformed", "malformed token", err);
    case undefined:
    default:
      // A key that does not fit the algorithm (jose throws TypeError) and anything else: refuse.
      return failure("bad_signature", "token could not be verified", err);
  }
}

function expiry(expiresIn: number | string): number | string {
  return typeof expiresIn === "number" ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn;
}

function decodeExp(token: string): number {
  const payload = token.split(".")[1] ?? "";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
  return typeof claims.exp === "number" ? claims.exp : 0;
}
