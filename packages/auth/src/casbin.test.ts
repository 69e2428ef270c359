import { background, chain, type Context, contextKey, isKitError, type KitError, withValue } from "@kit/endpoint";
import { newEnforcer, newModelFromString, StringAdapter } from "casbin";
import { beforeAll, describe, expect, it } from "vitest";
import { casbinAuthorizer, type CasbinEnforcer } from "./casbin.ts";
import { authorizationKey } from "./context.ts";
import { claimsKey, jwtParser, jwtSigner } from "./jwt.ts";

const rbac = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub) && keyMatch(r.obj, p.obj) && r.act == p.act
`;

const policy = `
p, admin, /addsvc/*, call
p, reader, /addsvc/concat, call
g, ann, admin
g, bob, reader
`;

interface Req { readonly path: string }
const user = contextKey<string>("user");
const asUser = (name: string): Context => withValue(background(), user, name);
const ok = (_ctx: Context, req: Req): Promise<string> => Promise.resolve(`ok ${req.path}`);

async function failure(promise: Promise<unknown>): Promise<KitError> {
  const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!isKitError(err)) throw new Error(`expected a KitError, got ${String(err)}`);
  return err;
}

describe("casbinAuthorizer with a real RBAC enforcer", () => {
  let enforcer: CasbinEnforcer;
  beforeAll(async () => {
    enforcer = await newEnforcer(newModelFromString(rbac), new StringAdapter(policy));
  });

  const guard = (): ((ctx: Context, req: Req) => Promise<string>) =>
    casbinAuthorizer<Req, string>({ enforcer, subject: (ctx) => ctx.value(user), object: (_ctx, req) => req.path, action: "call" })(ok);

  it("lets a user through by role: admin everywhere, reader on concat", async () => {
    await expect(guard()(asUser("ann"), { path: "/addsvc/sum" })).resolves.toBe("ok /addsvc/sum");
    await expect(guard()(asUser("ann"), { path: "/addsvc/concat" })).resolves.toBe("ok /addsvc/concat");
    await expect(guard()(asUser("bob"), { path: "/addsvc/concat" })).resolves.toBe("ok /addsvc/concat");
  });

  it("refuses what the policy does not allow with permission_denied, without calling the endpoint", async () => {
    let called = 0;
    const g = casbinAuthorizer<Req, string>({ enforcer, subject: (ctx) => ctx.value(user), object: (_ctx, req) => req.path, action: "call" })(() => {
      called++;
      return Promise.resolve("");
    });
    for (const [who, path] of [["bob", "/addsvc/sum"], ["eve", "/addsvc/concat"], ["ann", "/other"]] as const) {
      const err = await failure(g(asUser(who), { path }));
      expect(err.code).toBe("permission_denied");
      expect(err.details).toEqual({ reason: "denied" });
      expect(err.message).toBe(`permission denied: "${who}" may not "call" "${path}"`);
    }
    expect(called).toBe(0);
  });

  it("refuses a request with no subject as unauthenticated", async () => {
    const err = await failure(guard()(background(), { path: "/addsvc/sum" }));
    expect(err.code).toBe("unauthenticated");
    expect(err.details).toEqual({ reason: "no_subject" });
  });

  it("turns an enforcer failure (a model that wants other values) into internal, with the cause", async () => {
    const twoValues = rbac.replace("r = sub, obj, act", "r = sub, obj");
    const wrong = await newEnforcer(newModelFromString(twoValues), new StringAdapter(policy));
    const g = casbinAuthorizer<Req, string>({ enforcer: wrong, subject: "ann", object: "/addsvc/sum", action: "call" })(ok);
    const err = await failure(g(background(), { path: "/addsvc/sum" }));
    expect(err.code).toBe("internal");
    expect(err.details).toEqual({ reason: "enforcer_failed" });
    expect(String(err.cause)).toMatch(/invalid request size/);
  });

  it("picks the enforcer per request when given a function (per-tenant policies)", async () => {
    const tenant = contextKey<string>("tenant");
    const other = await newEnforcer(newModelFromString(rbac), new StringAdapter("p, bob, /addsvc/*, call"));
    const byTenant = { a: enforcer, b: other };
    const g = casbinAuthorizer<Req, string>({
      enforcer: (ctx) => Promise.resolve(byTenant[ctx.value(tenant) === "b" ? "b" : "a"]),
      subject: "bob",
      object: (_ctx, req) => req.path,
      action: "call",
    })(ok);
    await expect(g(withValue(background(), tenant, "b"), { path: "/addsvc/sum" })).resolves.toBe("ok /addsvc/sum");
    expect((await failure(g(withValue(background(), tenant, "a"), { path: "/addsvc/sum" }))).code).toBe("permission_denied");
  });

  it("authorizes the subject of a verified JWT, after jwtParser", async () => {
    const secret = new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!!");
    const endpoint = chain(
      jwtParser<Req, string>({ keys: secret, algorithms: ["HS256"], issuer: "kit", audience: "addsvc" }),
      casbinAuthorizer<Req, string>({ enforcer, subject: (ctx) => ctx.value(claimsKey)?.sub, object: (_ctx, req) => req.path, action: "call" }),
    )(ok);
    // The client signs; the "wire" carries the Authorization value into a fresh server context.
    const signedAs = (sub: string) =>
      jwtSigner<Req, string>({ key: secret, alg: "HS256", issuer: "kit", audience: "addsvc", subject: sub })((ctx, req) =>
        endpoint(withValue(background(), authorizationKey, ctx.value(authorizationKey) ?? ""), req),
      );
    await expect(signedAs("bob")(background(), { path: "/addsvc/concat" })).resolves.toBe("ok /addsvc/concat");
    expect((await failure(signedAs("bob")(background(), { path: "/addsvc/sum" }))).code).toBe("permission_denied");
    expect((await failure(endpoint(background(), { path: "/addsvc/sum" }))).code).toBe("unauthenticated");
  });

  it("passes objects through for ABAC models", async () => {
    const abac = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = r.sub.Age >= 18 && r.obj == "/bar" && r.act == "enter"
`;
    const e = await newEnforcer(newModelFromString(abac));
    const g = casbinAuthorizer<{ age: number }, string>({ enforcer: e, subject: (_ctx, req) => ({ Age: req.age }), object: "/bar", action: "enter" })(
      () => Promise.resolve("in"),
    );
    await expect(g(background(), { age: 30 })).resolves.toBe("in");
    const err = await failure(g(background(), { age: 12 }));
    expect(err.code).toBe("permission_denied");
    expect(err.message).toBe('permission denied: (object) may not "enter" "/bar"');
  });
});
