import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { background, type Context, contextKey, isKitError, withValue } from "@kit/endpoint";
import { SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authorizationKey, setAuthorization, withAuthorization } from "./context.ts";
import { claimsKey, jwtParser, type JwtParserOptions, jwtSigner } from "./jwt.ts";

const secret = new TextEncoder().encode("a-32-byte-secret-for-hs256-tests!");
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const now = (): number => Math.floor(Date.now() / 1000);

const whoami = (ctx: Context): Promise<string> => Promise.resolve(ctx.value(claimsKey)?.sub ?? "nobody");

interface TokenOptions {
  alg?: string;
  iss?: string;
  aud?: string;
  exp?: number;
  nbf?: number;
  kid?: string;
}

function token(key: KeyObject | Uint8Array, o: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ sub: "ann" })
    .setProtectedHeader(o.kid === undefined ? { alg: o.alg ?? "HS256" } : { alg: o.alg ?? "HS256", kid: o.kid })
    .setIssuer(o.iss ?? "kit")
    .setAudience(o.aud ?? "sum")
    .setIssuedAt()
    .setExpirationTime(o.exp ?? now() + 60);
  if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
  return jwt.sign(key);
}

function parse(options: Partial<JwtParserOptions> & Pick<JwtParserOptions, "keys" | "algorithms">): (bearer: string) => Promise<string> {
  const endpoint = jwtParser<undefined, string>({ issuer: "kit", audience: "sum", ...options })(whoami);
  return (bearer) => endpoint(withValue(background(), authorizationKey, `Bearer ${bearer}`), undefined);
}

async function reason(promise: Promise<unknown>): Promise<[string, unknown]> {
  const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return [err.code, (err).details?.reason];
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("jwtParser", () => {
  it("accepts valid HS256, RS256 and ES256 tokens and puts the claims in the context", async () => {
    await expect(parse({ keys: secret, algorithms: ["HS256"] })(await token(secret))).resolves.toBe("ann");
    await expect(parse({ keys: rsa.publicKey, algorithms: ["RS256"] })(await token(rsa.privateKey, { alg: "RS256" }))).resolves.toBe("ann");
    await expect(parse({ keys: ec.publicKey, algorithms: ["ES256"] })(await token(ec.privateKey, { alg: "ES256" }))).resolves.toBe("ann");
  });

  it("accepts a key from a local JWK set, picked by kid", async () => {
    const jwk = { ...ec.publicKey.export({ format: "jwk" }), kid: "ec-1", alg: "ES256" };
    const verify = parse({ keys: { keys: [jwk] }, algorithms: ["ES256"] });
    await expect(verify(await token(ec.privateKey, { alg: "ES256", kid: "ec-1" }))).resolves.toBe("ann");
    await expect(reason(verify(await token(ec.privateKey, { alg: "ES256", kid: "nope" })))).resolves.toEqual(["unauthenticated", "no_matching_key"]);
  });

  it("refuses an expired token, and honours clockTolerance", async () => {
    const expired = await token(secret, { exp: now() - 10 });
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(expired))).resolves.toEqual(["unauthenticated", "expired"]);
    await expect(parse({ keys: secret, algorithms: ["HS256"], clockTolerance: 60 })(expired)).resolves.toBe("ann");
  });

  it("refuses a token whose nbf is in the future", async () => {
    const early = await token(secret, { nbf: now() + 120 });
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(early))).resolves.toEqual(["unauthenticated", "not_yet_valid"]);
  });

  it("refuses the wrong issuer or audience", async () => {
    const verify = parse({ keys: secret, algorithms: ["HS256"] });
    await expect(reason(verify(await token(secret, { iss: "evil" })))).resolves.toEqual(["unauthenticated", "wrong_issuer"]);
    await expect(reason(verify(await token(secret, { aud: "other" })))).resolves.toEqual(["unauthenticated", "wrong_audience"]);
  });

  it("refuses a token without exp by default", async () => {
    const forever = await new SignJWT({ sub: "ann" }).setProtectedHeader({ alg: "HS256" }).setIssuer("kit").setAudience("sum").sign(secret);
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(forever))).resolves.toEqual(["unauthenticated", "invalid_claims"]);
  });

  it("accepts a token as Go kit's signer makes it (no exp, iss or aud) only when told to", async () => {
    const goKit = await new SignJWT({ user: "go-kit" }).setProtectedHeader({ alg: "HS256", kid: "kid" }).sign(secret);
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(goKit))).resolves.toEqual(["unauthenticated", "wrong_issuer"]);
    const lenient = parse({ keys: secret, algorithms: ["HS256"], issuer: null, audience: null, requiredClaims: [] });
    await expect(lenient(goKit)).resolves.toBe("nobody");
    await expect(reason(lenient(await token(secret, { exp: now() - 10 })))).resolves.toEqual(["unauthenticated", "expired"]);
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"], issuer: null, requiredClaims: [] })(goKit))).resolves.toEqual([
      "unauthenticated",
      "wrong_audience",
    ]);
  });

  it("refuses a bad signature", async () => {
    const [h, , sig] = (await token(secret)).split(".");
    const forged = `${h ?? ""}.${b64({ sub: "root", iss: "kit", aud: "sum", exp: now() + 60 })}.${sig ?? ""}`;
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(forged))).resolves.toEqual(["unauthenticated", "bad_signature"]);
    const wrongKey = await token(other.privateKey, { alg: "RS256" });
    await expect(reason(parse({ keys: rsa.publicKey, algorithms: ["RS256"] })(wrongKey))).resolves.toEqual(["unauthenticated", "bad_signature"]);
  });

  it("refuses an alg: none token crafted by hand", async () => {
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "root", iss: "kit", aud: "sum", exp: now() + 60 })}.`;
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })(none))).resolves.toEqual(["unauthenticated", "alg_not_allowed"]);
    await expect(reason(parse({ keys: rsa.publicKey, algorithms: ["RS256"] })(none))).resolves.toEqual(["unauthenticated", "alg_not_allowed"]);
  });

  it("refuses algorithm confusion: HS256 signed with the RSA public key's PEM", async () => {
    const pem = new TextEncoder().encode(rsa.publicKey.export({ type: "spki", format: "pem" }) as string);
    const confused = await token(pem, { alg: "HS256" });
    await expect(reason(parse({ keys: rsa.publicKey, algorithms: ["RS256"] })(confused))).resolves.toEqual(["unauthenticated", "alg_not_allowed"]);
    // Even a careless allow-list does not help it: jose refuses an RSA key for HMAC.
    const [code] = await reason(parse({ keys: rsa.publicKey, algorithms: ["RS256", "HS256"] })(confused));
    expect(code).toBe("unauthenticated");
  });

  it("refuses a missing or malformed header", async () => {
    const endpoint = jwtParser<undefined, string>({ keys: secret, algorithms: ["HS256"], issuer: "kit", audience: "sum" })(whoami);
    await expect(reason(endpoint(background(), undefined))).resolves.toEqual(["unauthenticated", "missing"]);
    await expect(reason(endpoint(withValue(background(), authorizationKey, "Basic abc"), undefined))).resolves.toEqual(["unauthenticated", "malformed"]);
    await expect(reason(parse({ keys: secret, algorithms: ["HS256"] })("not-a-jwt"))).resolves.toEqual(["unauthenticated", "malformed"]);
  });

  it("refuses an authorization value that is not a string with an auth error, not a TypeError", async () => {
    const endpoint = jwtParser<undefined, string>({ keys: secret, algorithms: ["HS256"], issuer: "kit", audience: "sum" })(whoami);
    for (const value of [42, ["Bearer x"], null]) {
      const ctx = withValue(background(), authorizationKey, value as unknown as string);
      await expect(reason(endpoint(ctx, undefined))).resolves.toEqual(["unauthenticated", "malformed"]);
    }
  });

  it("challenges each refusal with RFC 6750's Bearer WWW-Authenticate value", async () => {
    const endpoint = jwtParser<undefined, string>({ keys: secret, algorithms: ["HS256"], issuer: "kit", audience: "sum" })(whoami);
    const challenge = async (ctx: Context): Promise<unknown> => {
      const err: unknown = await endpoint(ctx, undefined).then(() => undefined, (e: unknown) => e);
      return isKitError(err) ? err.details?.wwwAuthenticate : err;
    };
    const bearer = (value: string): Context => withValue(background(), authorizationKey, value);
    expect(await challenge(background())).toBe("Bearer");
    expect(await challenge(bearer("Basic abc"))).toBe('Bearer error="invalid_request"');
    expect(await challenge(bearer("Bearer not-a-jwt"))).toBe('Bearer error="invalid_token"');
    expect(await challenge(bearer(`Bearer ${await token(secret, { exp: now() - 10 })}`))).toBe('Bearer error="invalid_token"');
  });

  it("refuses an empty allow-list or one with none", () => {
    expect(() => jwtParser({ keys: secret, algorithms: [], issuer: "kit", audience: "sum" })).toThrow(TypeError);
    expect(() => jwtParser({ keys: secret, algorithms: ["none"], issuer: "kit", audience: "sum" })).toThrow(TypeError);
    expect(() => jwtSigner({ key: secret, alg: "none" })).toThrow(TypeError);
  });
});

describe("jwtParser with a JWKS URL", () => {
  let server: Server;
  let url: URL;
  let fetches = 0;

  beforeAll(async () => {
    const jwk = { ...rsa.publicKey.export({ format: "jwk" }), kid: "rsa-1", alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      fetches++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = new URL(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/jwks.json`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => { resolve(); })));

  it("verifies a token with the served key and refuses one signed by another key", async () => {
    const verify = parse({ keys: url, algorithms: ["RS256"] });
    await expect(verify(await token(rsa.privateKey, { alg: "RS256", kid: "rsa-1" }))).resolves.toBe("ann");
    await expect(verify(await token(rsa.privateKey, { alg: "RS256", kid: "rsa-1" }))).resolves.toBe("ann");
    expect(fetches).toBe(1);
    await expect(reason(verify(await token(other.privateKey, { alg: "RS256", kid: "rsa-1" })))).resolves.toEqual(["unauthenticated", "bad_signature"]);
  });

  it("is unavailable when the JWKS cannot be fetched", async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => { resolve(); }));
    const verify = parse({ keys: new URL(`http://127.0.0.1:${String(port)}/jwks.json`), algorithms: ["RS256"] });
    await expect(reason(verify(await token(rsa.privateKey, { alg: "RS256", kid: "rsa-1" })))).resolves.toEqual(["unavailable", "key_unavailable"]);
  });
});

describe("jwtSigner", () => {
  it("signs once and reuses the token until refreshBefore seconds before exp", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_800_000_000_000 });
    try {
      const seen: string[] = [];
      const client = jwtSigner<undefined, undefined>({ key: secret, alg: "HS256", issuer: "kit", audience: "sum", subject: "ann", expiresIn: 300 })((ctx) => {
        seen.push(ctx.value(authorizationKey) ?? "");
        return Promise.resolve(undefined);
      });
      await client(background(), undefined);
      vi.advanceTimersByTime(200_000);
      await client(background(), undefined);
      vi.advanceTimersByTime(80_000); // 280 s: within 30 s of exp
      await client(background(), undefined);
      expect(seen[0]).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(seen[1]).toBe(seen[0]);
      expect(seen[2]).not.toBe(seen[0]);
      const payload = JSON.parse(Buffer.from(seen[2]!.split(".")[1]!, "base64url").toString()) as JWTPayload;
      expect(payload).toMatchObject({ iss: "kit", aud: "sum", sub: "ann", iat: 1_800_000_280, exp: 1_800_000_580 });
    } finally {
      vi.useRealTimers();
    }
  });

  it("signs per call with claims from the context", async () => {
    const tenant = contextKey<string>("tenant");
    const verify = parse({ keys: secret, algorithms: ["HS256"] });
    const client = jwtSigner<undefined, string>({ key: secret, alg: "HS256", issuer: "kit", audience: "sum", claims: (ctx) => ({ sub: ctx.value(tenant) ?? "" }) })(
      (ctx) => verify((ctx.value(authorizationKey) ?? "").slice("Bearer ".length)),
    );
    await expect(client(withValue(background(), tenant, "t1"), undefined)).resolves.toBe("t1");
    await expect(client(withValue(background(), tenant, "t2"), undefined)).resolves.toBe("t2");
  });

  it("round-trips signer → setAuthorization → HTTP header → withAuthorization → parser", async () => {
    const parser = jwtParser<JWTPayload, string>({ keys: ec.publicKey, algorithms: ["ES256"], issuer: "kit", audience: "sum" });
    const endpoint = parser((ctx) => Promise.resolve(`${ctx.value(claimsKey)?.sub ?? "?"}/${String(ctx.value(claimsKey)?.role)}`));
    const server = createServer((req, res) => {
      endpoint(withAuthorization(background(), req), {}).then(
        (body) => res.end(body),
        (err: unknown) => { res.statusCode = 401; res.end(isKitError(err) ? String(err.details?.reason) : "?"); },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/`;
    const send = async (ctx: Context): Promise<string> => {
      const outgoing = { headers: new Headers() };
      setAuthorization(ctx, outgoing);
      const res = await fetch(url, { headers: outgoing.headers });
      return `${String(res.status)} ${await res.text()}`;
    };
    try {
      const signed = jwtSigner<undefined, string>({ key: ec.privateKey, alg: "ES256", issuer: "kit", audience: "sum", subject: "ann", claims: { role: "admin" } })(send);
      await expect(signed(background(), undefined)).resolves.toBe("200 ann/admin");
      await expect(send(background())).resolves.toBe("401 missing");
      const wrongAud = jwtSigner<undefined, string>({ key: ec.privateKey, alg: "ES256", issuer: "kit", audience: "other" })(send);
      await expect(wrongAud(background(), undefined)).resolves.toBe("401 wrong_audience");
    } finally {
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    }
  });
});
