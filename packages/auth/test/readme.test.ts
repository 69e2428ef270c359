// The README's examples, line for line, with their results asserted.
import { generateKeyPairSync } from "node:crypto";
import { background, chain, type Endpoint, isKitError } from "@kit/endpoint";
import { newEnforcer, newModelFromString, StringAdapter } from "casbin";
import { describe, expect, it } from "vitest";
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the README imports the package entry
import { basicAuth, basicAuthClient, setAuthorization, withAuthorization } from "../src/index.ts";
import { casbinAuthorizer } from "../src/casbin.ts";
import { claimsKey, jwtParser, jwtSigner } from "../src/jwt.ts";

describe("README examples", () => {
  it("basic auth, both sides", async () => {
    const sum: Endpoint<{ a: number; b: number }, number> = (_ctx, { a, b }) => Promise.resolve(a + b);
    const guarded = basicAuth<{ a: number; b: number }, number>({ username: "ann", password: "s3cret", realm: "sum" })(sum);
    const wire = new Headers();
    const transport: Endpoint<{ a: number; b: number }, number> = (ctx, req) => {
      setAuthorization(ctx, wire);
      return guarded(withAuthorization(background(), wire), req);
    };
    expect(await basicAuthClient<{ a: number; b: number }, number>("ann", "s3cret")(transport)(background(), { a: 1, b: 2 })).toBe(3);
    expect(
      await basicAuthClient<{ a: number; b: number }, number>("ann", "nope")(transport)(background(), { a: 1, b: 2 })
        .catch((e: unknown) => isKitError(e) && [e.code, e.details?.reason]),
    ).toEqual(["unauthenticated", "invalid_credentials"]);
  });

  it("JWT, both sides", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const whoami: Endpoint<undefined, string> = (ctx) => Promise.resolve(ctx.value(claimsKey)?.sub ?? "nobody");
    const parsed = jwtParser<undefined, string>({ keys: publicKey, algorithms: ["ES256"], issuer: "auth.example", audience: "whoami" })(whoami);
    const call: Endpoint<undefined, string> = (ctx) => {
      const headers = new Headers();
      setAuthorization(ctx, headers);
      return parsed(withAuthorization(background(), headers), undefined);
    };
    const signed = jwtSigner<undefined, string>({ key: privateKey, alg: "ES256", issuer: "auth.example", audience: "whoami", subject: "ann", expiresIn: 300 })(call);
    expect(await signed(background(), undefined)).toBe("ann");
    expect(await call(background(), undefined).catch((e: unknown) => isKitError(e) && e.details?.reason)).toBe("missing");
  });

  it("Casbin after JWT", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const whoami: Endpoint<undefined, string> = (ctx) => Promise.resolve(ctx.value(claimsKey)?.sub ?? "nobody");
    const model = newModelFromString(`
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act`);
    const enforcer = await newEnforcer(model, new StringAdapter("p, admin, whoami, call\ng, ann, admin"));
    const authorized = chain(
      jwtParser<undefined, string>({ keys: publicKey, algorithms: ["ES256"], issuer: "auth.example", audience: "whoami" }),
      casbinAuthorizer<undefined, string>({ enforcer, subject: (ctx) => ctx.value(claimsKey)?.sub, object: "whoami", action: "call" }),
    )(whoami);
    const as = (subject: string): Endpoint<undefined, string> => {
      const call: Endpoint<undefined, string> = (ctx) => {
        const headers = new Headers();
        setAuthorization(ctx, headers);
        return authorized(withAuthorization(background(), headers), undefined);
      };
      return jwtSigner<undefined, string>({ key: privateKey, alg: "ES256", issuer: "auth.example", audience: "whoami", subject })(call);
    };
    expect(await as("ann")(background(), undefined)).toBe("ann");
    expect(await as("bob")(background(), undefined).catch((e: unknown) => isKitError(e) && [e.code, e.details?.reason])).toEqual(["permission_denied", "denied"]);
  });
});
