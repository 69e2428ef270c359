import { background, type Context, isKitError, type KitError, withValue } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { basicAuth, basicAuthClient } from "./basic.ts";
import { authorizationKey, setAuthorization, withAuthorization } from "./context.ts";

const echo = (ctx: Context, req: string): Promise<string> => Promise.resolve(`${req}:${ctx.value(authorizationKey) ?? ""}`);
const guarded = basicAuth<string, string>({ username: "ann", password: "s3cret", realm: "sum" })(echo);
const basic = (text: string): string => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;
const withHeader = (value: string): Context => withValue(background(), authorizationKey, value);

async function failure(promise: Promise<unknown>): Promise<KitError> {
  const err: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!isKitError(err)) throw new Error("expected a KitError");
  return err;
}

describe("basicAuth", () => {
  it("calls the endpoint with the right credentials", async () => {
    await expect(guarded(withHeader(basic("ann:s3cret")), "ok")).resolves.toBe(`ok:${basic("ann:s3cret")}`);
  });

  it("accepts a password with colons and a lower-case scheme", async () => {
    const g = basicAuth<string, string>({ username: "u", password: "a:b:c" })(echo);
    await expect(g(withHeader(`basic ${Buffer.from("u:a:b:c").toString("base64")}`), "x")).resolves.toMatch(/^x:/);
  });

  it("refuses a wrong user and a wrong password with the same error", async () => {
    const user = await failure(guarded(withHeader(basic("bob:s3cret")), "x"));
    const password = await failure(guarded(withHeader(basic("ann:wrong")), "x"));
    const longer = await failure(guarded(withHeader(basic("ann:s3cret-and-much-longer")), "x"));
    for (const err of [user, password, longer]) {
      expect(err.code).toBe("unauthenticated");
      expect(err.message).toBe("invalid user name or password");
      expect(err.details).toEqual({ reason: "invalid_credentials", wwwAuthenticate: 'Basic realm="sum", charset="UTF-8"' });
    }
  });

  it("refuses a request with no Authorization value", async () => {
    const err = await failure(guarded(background(), "x"));
    expect(err.code).toBe("unauthenticated");
    expect(err.details?.reason).toBe("missing");
  });

  it.each([
    ["another scheme", "Bearer abc"],
    ["not base64", "Basic !!!"],
    ["no colon", basic("anns3cret")],
    ["no credentials", "Basic"],
  ])("refuses a malformed header: %s", async (_name, header) => {
    const err = await failure(guarded(withHeader(header), "x"));
    expect(err.code).toBe("unauthenticated");
    expect(err.details?.reason).toBe("malformed");
  });

  it("refuses an authorization value that is not a string with an auth error, not a TypeError", async () => {
    for (const value of [42, ["Basic YW5uOnMzY3JldA=="], { toString: () => basic("ann:s3cret") }, null]) {
      const ctx = withValue(background(), authorizationKey, value as unknown as string);
      const err = await failure(guarded(ctx, "x"));
      expect([err.code, err.details?.reason]).toEqual(["unauthenticated", "malformed"]);
    }
  });

  it("challenges every refusal with Basic and its realm, as Go kit's AuthError", async () => {
    for (const ctx of [background(), withHeader("Bearer x"), withHeader(basic("ann:nope"))]) {
      expect((await failure(guarded(ctx, "x"))).details?.wwwAuthenticate).toBe('Basic realm="sum", charset="UTF-8"');
    }
    const odd = basicAuth<string, string>({ username: "a", password: "b", realm: 'my "zone"\r\nX-Evil: 1' })(echo);
    expect((await failure(odd(background(), "x"))).details?.wwwAuthenticate).toBe('Basic realm="my zoneX-Evil: 1", charset="UTF-8"');
    const plain = basicAuth<string, string>({ username: "a", password: "b" })(echo);
    expect((await failure(plain(background(), "x"))).details?.wwwAuthenticate).toBe('Basic realm="kit", charset="UTF-8"');
  });

  it("never calls the endpoint when refusing", async () => {
    let called = false;
    const g = basicAuth<string, string>({ username: "a", password: "b" })(() => {
      called = true;
      return Promise.resolve("");
    });
    await expect(g(withHeader(basic("a:c")), "x")).rejects.toThrow();
    expect(called).toBe(false);
  });
});

describe("basicAuthClient", () => {
  it("puts the header in the context, which basicAuth accepts after the hooks carry it", async () => {
    const headers = new Headers();
    const server = (_ctx: Context, req: string): Promise<string> => guarded(withAuthorization(background(), headers), req);
    const client = basicAuthClient<string, string>("ann", "s3cret")((ctx, req) => {
      setAuthorization(ctx, { headers });
      return server(ctx, req);
    });
    await expect(client(background(), "hi")).resolves.toBe(`hi:${basic("ann:s3cret")}`);
    expect(headers.get("authorization")).toBe(basic("ann:s3cret"));
  });

  it("refuses a user name with a colon", () => {
    expect(() => basicAuthClient("a:b", "c")).toThrow(TypeError);
  });
});
