import { background, type Context, isKitError, withValue } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { basicAuth, basicAuthClient } from "./basic.ts";
import { authorizationKey } from "./context.ts";
import { setGrpcAuthorization, withGrpcAuthorization } from "./metadata.ts";

/**
 * The public shape of grpc-js `Metadata` (`get` returns every value, `set` replaces, `add`
 * appends, keys lower-cased, values `string | Buffer`), so these tests run without a gRPC
 * dependency; the type checks below show the real class's signatures fit the hooks.
 */
class Metadata {
  readonly #map = new Map<string, (string | Buffer)[]>();
  set(key: string, value: string | Buffer): void {
    this.#map.set(key.toLowerCase(), [value]);
  }
  add(key: string, value: string | Buffer): void {
    this.#map.set(key.toLowerCase(), [...this.get(key), value]);
  }
  get(key: string): (string | Buffer)[] {
    return this.#map.get(key.toLowerCase()) ?? [];
  }
}

describe("withGrpcAuthorization", () => {
  it("reads the authorization value from metadata and from a call's metadata", () => {
    const md = new Metadata();
    md.set("Authorization", "Bearer a");
    expect(withGrpcAuthorization(background(), md).value(authorizationKey)).toBe("Bearer a");
    expect(withGrpcAuthorization(background(), { metadata: md }).value(authorizationKey)).toBe("Bearer a");
  });

  it("decodes a Buffer value as UTF-8", () => {
    const md = new Metadata();
    md.set("authorization", Buffer.from("Bearer é", "utf8"));
    expect(withGrpcAuthorization(background(), md).value(authorizationKey)).toBe("Bearer é");
  });

  it("returns the context unchanged without the key", () => {
    const ctx = background();
    expect(withGrpcAuthorization(ctx, new Metadata())).toBe(ctx);
  });

  it("joins several values, so basicAuth refuses them as malformed", async () => {
    const md = new Metadata();
    md.add("authorization", "Basic YTpi");
    md.add("authorization", "Basic YTpi");
    const ctx = withGrpcAuthorization(background(), md);
    expect(ctx.value(authorizationKey)).toBe("Basic YTpi, Basic YTpi");
    const err: unknown = await basicAuth<undefined, string>({ username: "a", password: "b" })(() => Promise.resolve(""))(ctx, undefined).catch(
      (e: unknown) => e,
    );
    expect(isKitError(err) && err.details?.reason).toBe("malformed");
  });
});

describe("setGrpcAuthorization", () => {
  it("writes the context's value to metadata or a call's metadata, replacing an old one", () => {
    const ctx = withValue(background(), authorizationKey, "Bearer x");
    const md = new Metadata();
    md.set("authorization", "Bearer old");
    expect(setGrpcAuthorization(ctx, md)).toBe(ctx);
    expect(md.get("authorization")).toEqual(["Bearer x"]);
    const call = { metadata: new Metadata() };
    setGrpcAuthorization(ctx, call);
    expect(call.metadata.get("authorization")).toEqual(["Bearer x"]);
  });

  it("writes nothing without a value", () => {
    const md = new Metadata();
    setGrpcAuthorization(background(), md);
    expect(md.get("authorization")).toEqual([]);
  });

  it("carries basic credentials client → metadata → server", async () => {
    const server = basicAuth<string, string>({ username: "ann", password: "pw" })((_ctx, req) => Promise.resolve(`hello ${req}`));
    const call = basicAuthClient<string, string>("ann", "pw")((ctx, req) => {
      const md = new Metadata();
      setGrpcAuthorization(ctx, md);
      return server(withGrpcAuthorization(background(), md), req);
    });
    await expect(call(background(), "grpc")).resolves.toBe("hello grpc");
  });
});

describe("hook shapes", () => {
  it("fit grpc-js Metadata's declared signatures as they are", () => {
    // As declared in @grpc/grpc-js build/src/metadata.d.ts.
    interface GrpcJsMetadata { set(key: string, value: string | Buffer): void; get(key: string): (string | Buffer)[] }
    interface ServerUnaryCall { readonly metadata: GrpcJsMetadata }
    const read: (ctx: Context, md: GrpcJsMetadata) => Context = withGrpcAuthorization;
    const readCall: (ctx: Context, call: ServerUnaryCall) => Context = withGrpcAuthorization;
    const write: (ctx: Context, md: GrpcJsMetadata) => Context = setGrpcAuthorization;
    expect([read, readCall, write]).toHaveLength(3);
  });
});
