import { headers } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import { readHeaders, toNatsHeaders, withHeaders } from "./headers.ts";

describe("NATS headers", () => {
  it("reads Kit's lower-case names, and the same names in another case", () => {
    const h = headers();
    h.set("kit-error-code", "not_found");
    h.set("Kit-Timeout", "1500");
    const carrier = readHeaders(h);
    expect(carrier.get("kit-error-code")).toBe("not_found");
    expect(carrier.get("kit-timeout")).toBe("1500");
    expect(carrier.get("absent")).toBe("");
  });

  it("reads a message without headers as having none", () => {
    expect(readHeaders(undefined).get("kit-timeout")).toBeUndefined();
  });

  it("writes no NATS headers for none, so a plain message stays plain", () => {
    expect(toNatsHeaders(new Map())).toBeUndefined();
    expect(toNatsHeaders(new Map([["kit-timeout", "10"]]))?.get("kit-timeout")).toBe("10");
  });

  it("gives a dead letter the original headers plus the error, less publish expectations", () => {
    const h = headers();
    h.set("x-trace", "abc");
    h.set("Nats-Expected-Stream", "ORDERS");
    h.set("Nats-Msg-Id", "o-1");
    const dead = withHeaders(h, new Map([["kit-error-code", "internal"]]));
    expect(dead.get("x-trace")).toBe("abc");
    expect(dead.get("Nats-Msg-Id")).toBe("o-1");
    expect(dead.get("kit-error-code")).toBe("internal");
    expect(dead.has("Nats-Expected-Stream")).toBe(false);
  });
});
