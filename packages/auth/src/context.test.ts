import type { IncomingMessage } from "node:http";
import { background, type Context, withValue } from "@kit/endpoint";
import { describe, expect, it } from "vitest";
import { authorizationKey, setAuthorization, withAuthorization } from "./context.ts";

describe("withAuthorization", () => {
  it("reads fetch Headers, an object with Headers, and a Node header record", () => {
    expect(withAuthorization(background(), new Headers({ Authorization: "Bearer a" })).value(authorizationKey)).toBe("Bearer a");
    expect(withAuthorization(background(), { headers: new Headers({ authorization: "Bearer b" }) }).value(authorizationKey)).toBe("Bearer b");
    expect(withAuthorization(background(), { headers: { authorization: "Bearer c" } }).value(authorizationKey)).toBe("Bearer c");
  });

  it("returns the context unchanged without the header", () => {
    const ctx = background();
    expect(withAuthorization(ctx, new Headers())).toBe(ctx);
    expect(withAuthorization(ctx, { headers: {} })).toBe(ctx);
  });

  it("joins several values, so they fail as malformed rather than pick one", () => {
    expect(withAuthorization(background(), { headers: { authorization: ["Basic a", "Basic b"] } }).value(authorizationKey)).toBe("Basic a, Basic b");
  });
});

describe("setAuthorization", () => {
  it("writes the context's value to Headers or to an object with headers", () => {
    const ctx = withValue(background(), authorizationKey, "Bearer x");
    const headers = new Headers();
    expect(setAuthorization(ctx, headers)).toBe(ctx);
    expect(headers.get("authorization")).toBe("Bearer x");
    const outgoing = { headers: new Headers() };
    setAuthorization(ctx, outgoing);
    expect(outgoing.headers.get("authorization")).toBe("Bearer x");
  });

  it("writes nothing when the context has no value", () => {
    const headers = new Headers();
    setAuthorization(background(), headers);
    expect(headers.has("authorization")).toBe(false);
  });
});

describe("hook shapes", () => {
  it("fit transport-http's ServerBefore (IncomingMessage) and ClientBefore (OutgoingRequest) as they are", () => {
    type ServerBefore = (ctx: Context, req: IncomingMessage) => Context | Promise<Context>;
    interface OutgoingRequest { readonly method: string; url: URL; readonly headers: Headers; body: RequestInit["body"] }
    type ClientBefore = (ctx: Context, outgoing: OutgoingRequest) => Context | Promise<Context>;
    const server: ServerBefore = withAuthorization;
    const client: ClientBefore = setAuthorization;
    expect([server, client]).toHaveLength(2);
  });
});
