import { headers, type MsgHdrs } from "@nats-io/nats-core";
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

  it("reads the exact name before one in another case, and an empty value as absent", () => {
    const h = headers();
    h.append("KIT-TIMEOUT", "5");
    h.append("kit-timeout", "");
    h.append("x-id", "a");
    h.append("X-Id", "b");
    const carrier = readHeaders(h);
    expect(carrier.get("kit-timeout")).toBe("5");
    expect(carrier.get("X-Id")).toBe("b");
    expect(carrier.get("x-ID")).toBe("a");
  });

  it("reads a message without headers as having none but the default content-type, JSON", () => {
    expect(readHeaders(undefined).get("kit-timeout")).toBeUndefined();
    expect(readHeaders(undefined).get("content-type")).toBe("application/json");
  });

  it("reads a message without a content-type as JSON, and one with another content-type as it is", () => {
    const h = headers();
    h.set("kit-timeout", "20");
    expect(readHeaders(h).get("content-type")).toBe("application/json");
    expect(readHeaders(h).get("Content-Type")).toBe("application/json");
    h.set("Content-Type", "text/plain");
    expect(readHeaders(h).get("content-type")).toBe("text/plain");
  });

  it("leaves the default content-type off the wire: JSON alone is a plain message, with other headers a block without it", () => {
    expect(toNatsHeaders(new Map([["content-type", "application/json"]]))).toBeUndefined();
    const timed = toNatsHeaders(new Map([["content-type", "application/json"], ["kit-timeout", "250"]])) as MsgHdrs & { encode(): Uint8Array };
    expect(Buffer.from(timed.encode()).toString()).toBe("NATS/1.0\r\nkit-timeout: 250\r\n\r\n");
    expect(timed.has("content-type")).toBe(false);
    const other = toNatsHeaders(new Map([["content-type", "application/json; charset=utf-8"]])) as MsgHdrs & { encode(): Uint8Array };
    expect(Buffer.from(other.encode()).toString()).toBe("NATS/1.0\r\ncontent-type: application/json; charset=utf-8\r\n\r\n");
  });

  it("writes no NATS headers for none, so a plain message stays plain", () => {
    expect(toNatsHeaders(new Map())).toBeUndefined();
    expect(toNatsHeaders(new Map([["kit-timeout", "10"]]))?.get("kit-timeout")).toBe("10");
  });

  it("writes the header block nats.js writes, the same bytes each time the headers repeat", () => {
    const kit = new Map([["content-type", "text/plain"], ["kit-timeout", "250"]]);
    const nats = headers() as MsgHdrs & { toString(): string };
    for (const [name, value] of kit) nats.append(name, value);
    const block = toNatsHeaders(kit) as MsgHdrs & { encode(): Uint8Array };
    expect(Buffer.from(block.encode()).toString()).toBe(nats.toString());
    expect(Buffer.from(block.encode()).toString()).toBe("NATS/1.0\r\ncontent-type: text/plain\r\nkit-timeout: 250\r\n\r\n");
    const again = toNatsHeaders(new Map(kit)) as MsgHdrs & { encode(): Uint8Array };
    expect(again.encode()).toBe(block.encode());
  });

  it("refuses a value nats.js refuses, even when it reads like headers written before", () => {
    expect(toNatsHeaders(new Map([["a", "b"], ["c", "d"]]))).toBeDefined();
    expect(() => toNatsHeaders(new Map([["a", "b\r\nc: d"]]))).toThrow(/\\r or \\n/);
    expect(() => toNatsHeaders(new Map([["a:b", "c"]]))).toThrow(/not a valid character/);
  });

  it("reads and changes written headers as nats.js's own, and writes what they hold after a change", () => {
    const block = toNatsHeaders(new Map([["content-type", "text/plain"]])) as MsgHdrs & { encode(): Uint8Array };
    expect(block.get("content-type")).toBe("text/plain");
    expect([...block]).toEqual([["content-type", ["text/plain"]]]);
    block.set("Nats-Msg-Id", "o-1");
    expect(block.keys()).toEqual(["content-type", "Nats-Msg-Id"]);
    expect(Buffer.from(block.encode()).toString()).toBe("NATS/1.0\r\ncontent-type: text/plain\r\nNats-Msg-Id: o-1\r\n\r\n");
    const fresh = toNatsHeaders(new Map([["content-type", "text/plain"]])) as MsgHdrs & { encode(): Uint8Array };
    expect(Buffer.from(fresh.encode()).toString()).toBe("NATS/1.0\r\ncontent-type: text/plain\r\n\r\n");
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
