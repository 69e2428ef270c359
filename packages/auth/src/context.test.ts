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

describe("on message transports (@kit/transport Message / OutgoingMessage)", () => {
  // As declared in @kit/transport (message.ts, carrier.ts); @kit/auth does not depend on it.
  interface HeaderCarrier { get(name: string): string | null | undefined; set(name: string, value: string): void }
  interface Message { readonly body: Uint8Array; readonly headers: HeaderCarrier; readonly attempt: number; readonly reply?: string | undefined }
  interface OutgoingMessage { body: Uint8Array; readonly headers: Map<string, string> }
  type SubscriberBefore = (ctx: Context, message: Message) => Context | Promise<Context>;
  type PublisherBefore = (ctx: Context, message: OutgoingMessage) => Context | Promise<Context>;

  it("withAuthorization is a SubscriberBefore and setAuthorization a publisher before, as they are", () => {
    const subscriber: SubscriberBefore = withAuthorization;
    const publisher: PublisherBefore = setAuthorization;
    expect([subscriber, publisher]).toHaveLength(2);
  });

  it("carries the value publisher → Map headers → delivered message → context", () => {
    const outgoing: OutgoingMessage = { body: new Uint8Array(0), headers: new Map() };
    setAuthorization(withValue(background(), authorizationKey, "Bearer m"), outgoing);
    expect([...outgoing.headers]).toEqual([["authorization", "Bearer m"]]);
    // A broker copies the headers; the delivered message's headers are a Map (a HeaderCarrier).
    const delivered: Message = { body: outgoing.body, headers: new Map(outgoing.headers), attempt: 1 };
    expect(withAuthorization(background(), delivered).value(authorizationKey)).toBe("Bearer m");
  });

  it("reads a ReadonlyMap and leaves the context alone without the header", () => {
    const headers: ReadonlyMap<string, string> = new Map([["kit-timeout", "100"]]);
    const ctx = background();
    expect(withAuthorization(ctx, { headers })).toBe(ctx);
    expect(withAuthorization(ctx, { headers: new Map([["authorization", "Basic x"]]) }).value(authorizationKey)).toBe("Basic x");
  });
});
